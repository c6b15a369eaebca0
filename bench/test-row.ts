import type { Row } from './report';

/** A measured row for the report's unit specs: 1000 req/s at 100 µs, no errors; `extra` overrides. */
export function testRow(endpoint: string, extra: Partial<Row> = {}): Row {
  return {
    endpoint,
    label: endpoint,
    measured: true,
    rounds: 3,
    rps: 1000,
    cpuMicrosPerRequest: 100,
    redisCpuMicrosPerRequest: 10,
    p50: 5,
    p99: 20,
    errors: 0,
    non2xx: 0,
    rssMiB: {},
    redisPerRequest: 1,
    sqlPerRequest: 0,
    ...extra,
  };
}
