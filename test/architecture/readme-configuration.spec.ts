import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { mediaPlatformEnvSchema } from '../../apps/media-platform/src/config/media-platform.config';
import { misEnvSchema } from '../../apps/mis/src/config/mis.config';
import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { recommendEnvSchema } from '../../apps/recommend/src/config/recommend.config';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import type { z } from 'zod';

const ROOT = join(__dirname, '..', '..');

const APP_SCHEMAS: Record<string, z.ZodObject<Record<string, z.ZodType>>> = {
  gateway: gatewayEnvSchema,
  im: imEnvSchema,
  'media-platform': mediaPlatformEnvSchema,
  mis: misEnvSchema,
  news: newsEnvSchema,
  recommend: recommendEnvSchema,
  user: userEnvSchema,
  worker: workerEnvSchema,
};
const APPS = Object.keys(APP_SCHEMAS);

interface ConfigRow {
  names: string[];
  /** The default cell's values in the names' order, or undefined when the cell lists none per name. */
  defaults: string[] | undefined;
  /** The apps the meaning names before its first colon, when it starts with a list of apps. */
  apps: string[] | undefined;
}

/** Splits a Markdown table line into its cells (`\|` stays inside a cell). */
function cells(line: string): string[] {
  return line
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * The documented defaults, one per name: backticked values, `unset`, `empty` and bare numbers,
 * read up to the first parenthesis (which only explains).
 */
function documentedDefaults(cell: string, count: number): string[] | undefined {
  const values = [...cell.split('(')[0].matchAll(/`([^`]*)`|\b(unset|empty)\b|\b(\d+)\b/g)].map(
    ([, quoted, word, number]) => quoted ?? word ?? number,
  );
  return values.length === count ? values : undefined;
}

function appsNamed(meaning: string): string[] | undefined {
  const lead = /^([a-z-]+(?:, [a-z-]+)*):/.exec(meaning)?.[1].split(', ');
  return lead?.every((app) => APPS.includes(app)) ? lead : undefined;
}

function readmeConfigurationRows(): ConfigRow[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1].split(/^## /m)[0];
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [variables, defaults, meaning] = cells(line);
      const names = [...variables.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name);
      return {
        names,
        defaults: documentedDefaults(defaults, names.length),
        apps: appsNamed(meaning),
      };
    });
}

/** What the schema of one app makes of the variable when it is not set, as the README writes it. */
function schemaDefault(app: string, name: string): string {
  const parsed = APP_SCHEMAS[app].shape[name].safeParse(undefined);
  if (!parsed.success) return 'required';
  const value: unknown = parsed.data;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'unset';
  if (value === '') return 'empty';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

const appsReading = (name: string): string[] =>
  APPS.filter((app) => Object.hasOwn(APP_SCHEMAS[app].shape, name));

const rows = readmeConfigurationRows();
const documented = rows.flatMap((row) => row.names);
const read = [...new Set(APPS.flatMap((app) => Object.keys(APP_SCHEMAS[app].shape)))].sort();

describe('README Configuration table', () => {
  it('lists every variable an app reads, each once', () => {
    expect(read.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name, index) => documented.indexOf(name) !== index)).toEqual([]);
  });

  it('lists no variable that no app reads', () => {
    expect(documented.filter((name) => !read.includes(name))).toEqual([]);
  });

  it('gives the default every app that reads the variable has', () => {
    const wrong = rows.flatMap(({ names, defaults }) =>
      defaults === undefined
        ? []
        : names.flatMap((name, index) => {
            // `:50052` is short for the row's first host with that port.
            const matches = (actual: string) =>
              defaults[index].startsWith(':')
                ? actual.endsWith(defaults[index])
                : actual === defaults[index];
            return appsReading(name)
              .filter((app) => !matches(schemaDefault(app, name)))
              .map(
                (app) =>
                  `${name} (${app}): README ${defaults[index]}, schema ${schemaDefault(app, name)}`,
              );
          }),
    );
    expect(wrong).toEqual([]);
  });

  it('checks the default of every variable but those it describes in words', () => {
    const unchecked = rows.filter((row) => row.defaults === undefined).flatMap((row) => row.names);
    expect(unchecked.sort()).toEqual(
      [
        'WORKER_QUEUES',
        'RECO_HALF_LIFE_HOURS',
        'RECO_ALGO1_WEIGHTS',
        'RECO_ALGO2_WEIGHTS',
        'RECO_BATCH_HISTORY_SIZE',
        'RECO_HISTORY_TTL_SECONDS',
        'RECO_REFRESH_INTERVAL_MS',
        'RECO_CANDIDATES_PER_CHANNEL',
        'RECO_RANK_WINDOW',
      ].sort(),
    );
  });

  it('names the apps of a variable that not every app reads, and only those', () => {
    const wrong = rows.flatMap(({ names, apps }) =>
      names
        .filter((name) => {
          const readers = appsReading(name);
          if (readers.length === 0) return false;
          const expected = readers.length === APPS.length ? undefined : readers;
          return JSON.stringify(apps?.slice().sort()) !== JSON.stringify(expected?.slice().sort());
        })
        .map(
          (name) =>
            `${name}: README ${apps?.join(', ') ?? 'every app'}, schemas ${appsReading(name).join(', ')}`,
        ),
    );
    expect(wrong).toEqual([]);
  });
});
