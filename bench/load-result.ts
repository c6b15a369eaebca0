import type { AutocannonResult, AutocannonRun } from 'autocannon';

import type { LoadResult } from './load-plan';

/**
 * The latency in ms of each answered request, kept whole for exact percentiles: 8 bytes an answer
 * (7.2 MB for 30 s at 30 000 requests/s), where autocannon's own histogram keeps whole milliseconds.
 */
export class LatencyRecorder {
  private values = new Float64Array(1 << 14);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.size * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  percentiles(): Pick<LoadResult, 'p50' | 'p99'> {
    return latencyPercentiles(this.values.subarray(0, this.size));
  }
}

/** What every row's runner counts; a request in `errors` got no answer, so it has no latency. */
export interface Answers {
  latencies: LatencyRecorder;
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
}

export function noAnswersYet(): Answers {
  return { latencies: new LatencyRecorder(), statusCodes: {}, non2xx: 0, errors: 0 };
}

/** The same reading for every row: requests are the answered ones plus the errors, req/s the answered ones. */
export function loadResultOf(answers: Answers, seconds: number): LoadResult {
  const answered = answers.latencies.count;
  return {
    requests: answered + answers.errors,
    seconds,
    rps: answered / seconds,
    ...answers.latencies.percentiles(),
    non2xx: answers.non2xx,
    errors: answers.errors,
    statusCodes: answers.statusCodes,
  };
}

/** Records the latency of every answer of `run`, whatever its status, as autocannon timed it. */
export function recordAutocannonLatencies(run: AutocannonRun): LatencyRecorder {
  const latencies = new LatencyRecorder();
  run.on('response', (_client, _statusCode, _bytes, responseTimeMs) =>
    latencies.record(responseTimeMs),
  );
  return latencies;
}

/**
 * One autocannon run as a LoadResult, over `seconds` of load, with the latencies recorded from its
 * answers. autocannon counts a timed-out request in both `errors` and `timeouts`: `errors` alone is
 * every request that got no answer.
 */
export function autocannonLoadResult(
  result: AutocannonResult,
  seconds: number,
  latencies: LatencyRecorder,
): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count;
  return loadResultOf(
    { latencies, statusCodes, non2xx: result.non2xx, errors: result.errors },
    seconds,
  );
}

/**
 * p50 and p99 of latencies in ms (sorts them in place), by nearest rank: the smallest latency that
 * at least that share of the requests did not exceed.
 */
export function latencyPercentiles(
  latencies: Float64Array | number[],
): Pick<LoadResult, 'p50' | 'p99'> {
  if (latencies instanceof Float64Array) latencies.sort();
  else latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}
