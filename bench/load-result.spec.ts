import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import autocannon, { type AutocannonResult } from 'autocannon';

import { autocannonLoadResult, latencyPercentiles } from './load-result';

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
    const result = autocannonLoadResult(answered({ errors: 3, timeouts: 2 }), 5);
    expect(result.errors).toBe(3);
    expect(result).toMatchObject({ requests: 1000, rps: 200, p50: 4, p99: 12, non2xx: 0, statusCodes: { '200': 1000 } });
  });

  describe('against a server that never answers', () => {
    let server: Server;
    beforeAll(async () => {
      server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('reports as many errors as requests timed out', async () => {
      const { port } = server.address() as AddressInfo;
      const raw = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 1, duration: 2.5, timeout: 1 });
      expect(raw.timeouts).toBeGreaterThan(0);
      expect(autocannonLoadResult(raw, raw.duration).errors).toBe(raw.timeouts);
    });
  });
});

describe('latencyPercentiles', () => {
  it('reads p50 and p99 by nearest rank, as autocannon does for its own rows', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencyPercentiles(hundred)).toEqual({ p50: 50, p99: 99 });
    expect(latencyPercentiles([4, 1, 3, 2])).toEqual({ p50: 2, p99: 4 });
    expect(latencyPercentiles([7])).toEqual({ p50: 7, p99: 7 });
    expect(latencyPercentiles([])).toEqual({ p50: 0, p99: 0 });
  });
});
