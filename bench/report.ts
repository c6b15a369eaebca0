import type { Measurement } from './measure';

export type Level = 'L1' | 'L2' | 'E';

/** The medians of one row of the table. */
export interface Row {
  endpoint: string;
  label: string;
  measured: boolean;
  note?: string;
  rounds: number;
  rps: number;
  cpuMicrosPerRequest: number;
  /** The bench Redis's CPU per request, apart from cpuMicrosPerRequest. */
  redisCpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Feed rows: answers served by the fallback (latest articles), summed over the rounds. */
  fallbacks?: number;
  /** Feed rows: the gateway's user_recommend calls per request (median of the rounds). */
  recommendCallsPerRequest?: number;
  rssMiB: Record<string, number>;
  redisPerRequest: number;
  sqlPerRequest: number;
  ratioL1?: number;
  ratioL2?: number;
  target?: string;
  verdict?: string;
  bodyBytes?: number;
  cpuByServer?: Record<string, number>;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Background Redis / SQL traffic (health checks, queue polling, other users of the shared MariaDB)
 * is estimated from the L1 run just before, which causes none itself, and subtracted.
 */
export function netPerRequest(
  total: number,
  seconds: number,
  requests: number,
  backgroundPerSecond: number,
): number {
  return Math.max(0, total - backgroundPerSecond * seconds) / Math.max(1, requests);
}

/** What netCounts reads of a measurement. */
export type CountedRun = Pick<
  Measurement,
  'redisCommands' | 'sqlStatements' | 'requests' | 'windowSeconds'
>;

/**
 * Redis commands and SQL statements per request of `m`, net of the background rate of `quiet` (L1 of
 * the same round). The counts span the whole window between the counters' reads, the load
 * generator's start included, so the rate and its share are taken over that window: over the load's
 * seconds alone, a run shorter than L1's (E4's fixed number of misses) kept background traffic.
 */
export function netCounts(
  m: CountedRun,
  quiet: CountedRun | undefined,
): { redisNet: number; sqlNet: number } {
  const bgRedis = quiet ? quiet.redisCommands / quiet.windowSeconds : 0;
  const bgSql = quiet ? quiet.sqlStatements / quiet.windowSeconds : 0;
  return {
    redisNet: netPerRequest(m.redisCommands, m.windowSeconds, m.requests, bgRedis),
    sqlNet: netPerRequest(m.sqlStatements, m.windowSeconds, m.requests, bgSql),
  };
}

export function rowOf(
  endpoint: string,
  label: string,
  runs: Array<{
    m: Measurement;
    redisNet: number;
    sqlNet: number;
    ratioL1?: number;
    ratioL2?: number;
  }>,
): Row {
  const last = runs[runs.length - 1].m;
  const cpuByServer: Record<string, number> = {};
  for (const name of Object.keys(last.cpuByServer))
    cpuByServer[name] = median(runs.map((run) => run.m.cpuByServer[name]));
  const ratios = (pick: (run: (typeof runs)[number]) => number | undefined): number | undefined => {
    const values = runs.map(pick).filter((value): value is number => value !== undefined);
    return values.length ? median(values) : undefined;
  };
  return {
    endpoint,
    label,
    measured: true,
    rounds: runs.length,
    rps: median(runs.map((run) => run.m.rps)),
    cpuMicrosPerRequest: median(runs.map((run) => run.m.cpuMicrosPerRequest)),
    redisCpuMicrosPerRequest: median(runs.map((run) => run.m.redisCpuMicrosPerRequest)),
    p50: median(runs.map((run) => run.m.p50)),
    p99: median(runs.map((run) => run.m.p99)),
    errors: runs.reduce((sum, run) => sum + run.m.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.m.non2xx, 0),
    fallbacks: runs.some((run) => run.m.fallbacks !== undefined)
      ? runs.reduce((sum, run) => sum + (run.m.fallbacks ?? 0), 0)
      : undefined,
    recommendCallsPerRequest: runs.some((run) => run.m.recommendCallsPerRequest !== undefined)
      ? median(runs.map((run) => run.m.recommendCallsPerRequest ?? 0))
      : undefined,
    rssMiB: last.rssMiB,
    redisPerRequest: median(runs.map((run) => run.redisNet)),
    sqlPerRequest: median(runs.map((run) => run.sqlNet)),
    ratioL1: ratios((run) => run.ratioL1),
    ratioL2: ratios((run) => run.ratioL2),
    cpuByServer,
  };
}

/** What an endpoint must reach against L2 of the same run, and at most how many SQL statements per request. */
export interface Target {
  ratioL2: number;
  maxSql?: number;
}

export function targetText(target: Target | undefined): string {
  if (!target) return '0 errors';
  return `÷L2 ≥ ${target.ratioL2}${target.maxSql !== undefined ? `, SQL ≤ ${target.maxSql}` : ''}, 0 errors`;
}

/**
 * The reference server that bounds an endpoint: L5 when it must ask a gRPC service on each request,
 * else L4 when it must go to Redis for each request, else L3 (the framework alone).
 */
export function boundingBaseline(needs: {
  readsRedis?: boolean;
  asksService?: boolean;
}): 'L3' | 'L4' | 'L5' {
  if (needs.asksService) return 'L5';
  return needs.readsRedis ? 'L4' : 'L3';
}

/**
 * `met` or `SHORT`. A ratio target above what the framework alone reached in the same run (`bound`:
 * L3, L4 for an endpoint that must go to Redis for each request, L5 for one that must also ask a
 * gRPC service) is named beside SHORT: no handler on that framework could have met it.
 */
export function verdictOf(row: Row, target: Target | undefined, bound: Row | undefined): string {
  const clean = row.errors + row.non2xx === 0;
  if (!target) return clean ? 'met' : 'SHORT';
  const met =
    clean &&
    (row.ratioL2 ?? 0) >= target.ratioL2 &&
    (target.maxSql === undefined || row.sqlPerRequest <= target.maxSql);
  if (met) return 'met';
  if (bound?.ratioL2 === undefined || bound.ratioL2 >= target.ratioL2) return 'SHORT';
  const baseline = bound.endpoint.slice(bound.endpoint.indexOf(':') + 1);
  return `SHORT (target above ${baseline}'s ÷L2 ${bound.ratioL2.toFixed(3)})`;
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

export function markdownTable(rows: Row[]): string {
  const header = [
    'endpoint',
    'req/s',
    'CPU µs/req',
    'Redis CPU µs/req',
    'p50 ms',
    'p99 ms',
    'errors (non2xx+socket)',
    'fallbacks',
    'recommend calls/req',
    'RSS MiB',
    'Redis cmd/req',
    'SQL/req',
    '÷L1',
    '÷L2',
    'target',
    'verdict',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    if (!row.measured) {
      lines.push(
        `| ${row.label} | not measured: ${row.note ?? ''} |${' |'.repeat(header.length - 2)}`,
      );
      continue;
    }
    const rss = Object.entries(row.rssMiB)
      .map(([name, mib]) => `${name} ${mib}`)
      .join(', ');
    lines.push(
      `| ${[
        row.label,
        fixed(row.rps, 0),
        fixed(row.cpuMicrosPerRequest, 0),
        fixed(row.redisCpuMicrosPerRequest, 0),
        fixed(row.p50, 1),
        fixed(row.p99, 1),
        `${row.non2xx + row.errors} (${row.non2xx}+${row.errors})`,
        row.fallbacks === undefined ? '—' : String(row.fallbacks),
        fixed(row.recommendCallsPerRequest, 2),
        rss,
        fixed(row.redisPerRequest, 2),
        fixed(row.sqlPerRequest, 2),
        fixed(row.ratioL1, 2),
        fixed(row.ratioL2, 2),
        row.target ?? '',
        row.verdict ?? '',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
