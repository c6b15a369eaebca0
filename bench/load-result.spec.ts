import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';

import type { LoadResult } from './load-plan';
import {
  autocannonLoadResult,
  LatencyRecorder,
  latencyPercentiles,
  loadResultOf,
  noAnswersYet,
  recordAutocannonLatencies,
} from './load-result';

/** One autocannon run read as the load worker reads it. */
async function autocannonRow(
  options: AutocannonOptions,
): Promise<{ raw: AutocannonResult; result: LoadResult }> {
  const run = autocannon(options);
  const latencies = recordAutocannonLatencies(run);
  const raw = await run;
  return { raw, result: autocannonLoadResult(raw, raw.duration, latencies) };
}

const listening = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const closing = async (server: Server): Promise<void> => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
};

const recorded = (...latencies: number[]): LatencyRecorder => {
  const recorder = new LatencyRecorder();
  for (const ms of latencies) recorder.record(ms);
  return recorder;
};

const answered = (extra: Partial<AutocannonResult>): AutocannonResult => ({
  requests: { total: 1000, average: 200, p50: 200, p90: 210, p99: 220, max: 230 },
  latency: { average: 5, p50: 4, p90: 9, p99: 12, max: 20 },
  throughput: { average: 0, p50: 0, p90: 0, p99: 0, max: 0 },
  duration: 5,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  '2xx': 1000,
  statusCodeStats: { '200': { count: 1000 } },
  ...extra,
});

describe('autocannonLoadResult', () => {
  it('counts a timed-out request once: autocannon already adds each timeout to its errors', () => {
    // One connection reset and two timeouts: autocannon reports errors 3, timeouts 2.
    const result = autocannonLoadResult(
      answered({
        errors: 3,
        timeouts: 2,
        requests: { total: 4, average: 1, p50: 1, p90: 1, p99: 1, max: 1 },
      }),
      2,
      recorded(2.7, 1.2, 3.4, 2.1),
    );
    expect(result.errors).toBe(3);
    expect(result).toMatchObject({
      requests: 7,
      rps: 2,
      p50: 2.1,
      p99: 3.4,
      non2xx: 0,
      statusCodes: { '200': 1000 },
    });
  });

  describe('against a server that never answers', () => {
    const server = createServer(() => undefined);
    let url: string;
    beforeAll(async () => (url = await listening(server)));
    afterAll(() => closing(server));

    it('reports as many errors as requests timed out, and counts them as requests, as the paced rows do', async () => {
      const { raw, result } = await autocannonRow({
        url,
        connections: 1,
        duration: 2.5,
        timeout: 1,
      });
      expect(raw.timeouts).toBeGreaterThan(0);
      expect(result.errors).toBe(raw.timeouts);
      expect(result).toMatchObject({ requests: raw.timeouts, rps: 0 });
    });
  });

  describe('against a server that takes 2.6 ms to answer', () => {
    const answerMs = 2.6;
    // Busy, not a timer: the answer leaves no sooner than answerMs and, on an idle loopback, well before 3 ms.
    const server = createServer((request, response) => {
      const until = performance.now() + answerMs;
      while (performance.now() < until);
      response.statusCode = request.url === '/unavailable' ? 503 : 200;
      response.end('ok');
    });
    let url: string;
    beforeAll(async () => (url = await listening(server)));
    afterAll(() => closing(server));

    it('reads p50 and p99 to a fraction of a millisecond, where whole milliseconds read 2.6-2.99 ms as 2', async () => {
      const { raw, result } = await autocannonRow({ url, connections: 1, amount: 150 });
      expect(result.p50).toBeGreaterThanOrEqual(answerMs);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
      expect(result.requests).toBe(raw.requests.total);
      expect(result.non2xx).toBe(0);
    });

    it('keeps the latency of non-2xx answers, as of the 2xx ones, and counts them as requests', async () => {
      const { result } = await autocannonRow({
        url: `${url}/unavailable`,
        connections: 1,
        amount: 150,
      });
      expect(result).toMatchObject({
        requests: 150,
        non2xx: 150,
        errors: 0,
        statusCodes: { '503': 150 },
      });
      expect(result.p50).toBeGreaterThanOrEqual(answerMs);
    });
  });
});

describe('loadResultOf', () => {
  it('counts the answered requests and the errors as requests, and reads req/s and latency of the answered ones', () => {
    const answers = {
      ...noAnswersYet(),
      latencies: recorded(0.4, 0.9, 12.5),
      non2xx: 1,
      errors: 2,
      statusCodes: { '200': 2, '503': 1 },
    };
    expect(loadResultOf(answers, 1.5)).toEqual({
      requests: 5,
      seconds: 1.5,
      rps: 2,
      p50: 0.9,
      p99: 12.5,
      non2xx: 1,
      errors: 2,
      statusCodes: { '200': 2, '503': 1 },
    });
  });
});

describe('LatencyRecorder', () => {
  it('keeps every latency as recorded, past its first allocation', () => {
    const recorder = recorded(...Array.from({ length: 40_000 }, (_, i) => (40_000 - i) / 1000));
    expect(recorder.count).toBe(40_000);
    expect(recorder.percentiles()).toEqual({ p50: 20, p99: 39.6 });
  });
});

describe('latencyPercentiles', () => {
  it('reads p50 and p99 by nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencyPercentiles(hundred)).toEqual({ p50: 50, p99: 99 });
    expect(latencyPercentiles([4, 1, 3, 2])).toEqual({ p50: 2, p99: 4 });
    expect(latencyPercentiles([7])).toEqual({ p50: 7, p99: 7 });
    expect(latencyPercentiles([])).toEqual({ p50: 0, p99: 0 });
  });
});
