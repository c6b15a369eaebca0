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

function measuredRow(run: RunSummary, endpoint: string): Row | undefined {
  return run.rows.find((row) => row.endpoint === endpoint && row.measured);
}

/** The newest results file in `dir` of another size than `size` that measured a feed row. */
export function newestRunOfOtherSize(dir: string, size: BenchSize): RunSummary | undefined {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .reverse();
  for (const file of files) {
    const run = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Partial<RunSummary>;
    if (!run.spec || !run.rows || !run.stamp || run.spec.size === size) continue;
    const summary: RunSummary = { stamp: run.stamp, spec: run.spec, rows: run.rows };
    if (FEED_ENDPOINTS.some((endpoint) => measuredRow(summary, endpoint))) return summary;
  }
  return undefined;
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
