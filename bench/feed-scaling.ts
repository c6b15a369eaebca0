import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchSize } from './dataset';
import type { Row } from './report';

/** The feed rows compared across dataset sizes: their cost must not grow with the number of articles. */
export const FEED_ENDPOINTS = ['E1', 'E1s', 'E2'] as const;

/** What a results file holds that the comparison needs. */
export interface RunSummary {
  stamp: string;
  spec: { size: BenchSize; articles: number };
  /** Rounds and seconds per round: feed rows change as their viewers come back round after round. */
  options?: { rounds: number; duration: number };
  rows: Row[];
}

export interface FeedScalingLine {
  endpoint: string;
  /** The smaller dataset's row, then the larger one's. */
  small: Row;
  large: Row;
  /** CPU µs per request at the larger size ÷ at the smaller one. */
  cpuGrowth: number;
}

export interface FeedScaling {
  small: RunSummary;
  large: RunSummary;
  lines: FeedScalingLine[];
}

/** Compares the feed rows two runs of different sizes both measured; undefined when they share none. */
export function compareFeedScaling(a: RunSummary, b: RunSummary): FeedScaling | undefined {
  if (a.spec.articles === b.spec.articles) return undefined;
  const [small, large] = a.spec.articles < b.spec.articles ? [a, b] : [b, a];
  const lines = FEED_ENDPOINTS.flatMap((endpoint): FeedScalingLine[] => {
    const smallRow = measuredRow(small, endpoint);
    const largeRow = measuredRow(large, endpoint);
    if (!smallRow || !largeRow) return [];
    return [
      {
        endpoint,
        small: smallRow,
        large: largeRow,
        cpuGrowth: largeRow.cpuMicrosPerRequest / smallRow.cpuMicrosPerRequest,
      },
    ];
  });
  return lines.length > 0 ? { small, large, lines } : undefined;
}

function measuredRow(run: Pick<RunSummary, 'rows'>, endpoint: string): Row | undefined {
  return run.rows.find((row) => row.endpoint === endpoint && row.measured);
}

/**
 * The newest results file in `dir` of dataset `size` that measured every feed row in `wanted`,
 * else the newest of that size that measured any feed row.
 */
export function newestFeedRun(
  dir: string,
  size: BenchSize,
  wanted: readonly string[] = FEED_ENDPOINTS,
): RunSummary | undefined {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .reverse();
  let anyFeed: RunSummary | undefined;
  for (const file of files) {
    const run = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Partial<RunSummary>;
    if (!run.spec || !run.rows || !run.stamp || run.spec.size !== size) continue;
    const summary: RunSummary = {
      stamp: run.stamp,
      spec: run.spec,
      options: run.options,
      rows: run.rows,
    };
    const measured = measuredFeedRows(summary);
    if (measured.length === 0) continue;
    if (wanted.every((endpoint) => measured.includes(endpoint))) return summary;
    anyFeed ??= summary;
  }
  return anyFeed;
}

export const otherSize = (size: BenchSize): BenchSize => (size === 'quick' ? 'full' : 'quick');

/** The feed rows a run measured. */
export function measuredFeedRows(run: Pick<RunSummary, 'rows'>): string[] {
  return FEED_ENDPOINTS.filter((endpoint) => measuredRow(run, endpoint));
}

const loadOf = (run: RunSummary): string =>
  run.options ? `${run.options.rounds} rounds × ${run.options.duration} s` : 'unknown rounds';

function sameLoad(a: RunSummary, b: RunSummary): boolean {
  return (
    a.options !== undefined &&
    b.options !== undefined &&
    a.options.rounds === b.options.rounds &&
    a.options.duration === b.options.duration
  );
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

/** The comparison as a Markdown section of the report. */
export function feedScalingMarkdown(scaling: FeedScaling): string {
  const { small, large } = scaling;
  const sizes = `${small.spec.articles} → ${large.spec.articles} articles`;
  const lines = [
    `## Feed scaling: ${sizes}`,
    '',
    `Runs ${small.stamp} (${small.spec.size}) and ${large.stamp} (${large.spec.size}). Runs at different times meet different machines: ÷L2 is measured against each run's own L2.`,
    '',
    ...(sameLoad(small, large)
      ? []
      : [
          `Not comparable: ${loadOf(small)} against ${loadOf(large)}. Viewers come back round after round (E1 draws refills from its third round on), so run both sizes with the same --rounds and --duration.`,
          '',
        ]),
    '| endpoint | CPU µs/req | ×CPU | p50 ms | ÷L2 | fallbacks |',
    '|---|---|---|---|---|---|',
  ];
  for (const line of scaling.lines) {
    lines.push(
      `| ${line.endpoint} | ${fixed(line.small.cpuMicrosPerRequest, 0)} → ${fixed(line.large.cpuMicrosPerRequest, 0)} | ${fixed(line.cpuGrowth, 2)} | ${fixed(line.small.p50, 1)} → ${fixed(line.large.p50, 1)} | ${fixed(line.small.ratioL2, 2)} → ${fixed(line.large.ratioL2, 2)} | ${line.small.fallbacks ?? '—'} → ${line.large.fallbacks ?? '—'} |`,
    );
  }
  return lines.join('\n');
}
