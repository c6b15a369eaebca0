import type { AutocannonResult } from 'autocannon';

import type { LoadResult } from './load-plan';

/**
 * One autocannon run as a LoadResult, over `seconds` of load. autocannon counts a timed-out request
 * in both `errors` and `timeouts`: `errors` alone is every request that got no answer.
 */
export function autocannonLoadResult(result: AutocannonResult, seconds: number): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  return {
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}

/**
 * p50 and p99 of latencies in ms (sorts them in place), by nearest rank: the smallest latency that
 * at least that share of the requests did not exceed, as autocannon's histogram reads its own.
 */
export function latencyPercentiles(latencies: number[]): Pick<LoadResult, 'p50' | 'p99'> {
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}
