import type { ReadinessReport } from '@app/grpc';

import { HealthServer } from './health-server';
import { WorkerMetrics } from './worker-metrics';
import type { WorkerReadiness } from './worker-readiness';

const up = { status: 'up', required: true, latencyMs: 1 } as const;
const down = { status: 'down', required: true, latencyMs: 1000 } as const;

class StubReadiness implements Pick<WorkerReadiness, 'check'> {
  report: ReadinessReport = { status: 'ok', checks: { queueRedis: up, stateRedis: up, mysql: up } };

  check(): Promise<ReadinessReport> {
    return Promise.resolve(this.report);
  }
}

describe('HealthServer', () => {
  const readiness = new StubReadiness();
  const metrics = { metrics: new WorkerMetrics({ workers: () => [], queue: () => undefined }) };
  const server = new HealthServer(readiness as unknown as WorkerReadiness, metrics);
  let base: string;

  beforeAll(async () => {
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(() => server.close());

  it('is live while the process runs', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready only when every dependency answers, and says which one does not', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    readiness.report = {
      status: 'unavailable',
      checks: { queueRedis: up, stateRedis: up, mysql: down },
    };
    const response = await fetch(`${base}/health/ready?verbose=1`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(readiness.report);
  });

  it('serves Prometheus metrics at /metrics', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('# TYPE worker_jobs_total counter');
  });

  it('answers 404 elsewhere and 405 to writes', async () => {
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/health/live`, { method: 'POST' })).status).toBe(405);
  });

  it('stops answering once closed', async () => {
    const other = new HealthServer(readiness as unknown as WorkerReadiness, metrics);
    const port = await other.listen(0, '127.0.0.1');
    await other.close();
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
