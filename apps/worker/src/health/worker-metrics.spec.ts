import { EventEmitter } from 'node:events';

import type { Job, Queue, Worker } from 'bullmq';

import { WorkerMetrics } from './worker-metrics';

type FakeWorker = Pick<Worker, 'name' | 'on'> & EventEmitter;

function fakeWorker(name: string): FakeWorker {
  return Object.assign(new EventEmitter(), { name }) as FakeWorker;
}

const job = (name: string, processedOn: number, finishedOn: number) =>
  ({ name, processedOn, finishedOn }) as Job;

describe('WorkerMetrics', () => {
  const sms = fakeWorker('sms');
  const statistics = fakeWorker('statistics');
  const counts: Record<string, Record<string, number>> = {
    sms: { waiting: 3, active: 1, delayed: 2, failed: 0 },
    statistics: { waiting: 0, active: 1, delayed: 0, failed: 4 },
  };
  const metrics = new WorkerMetrics({
    workers: () => [sms, statistics],
    queue: (name) =>
      ({ getJobCounts: () => Promise.resolve(counts[name]) }) as Pick<Queue, 'getJobCounts'>,
  });
  metrics.watch();

  it('counts finished attempts by queue, job and outcome, and times them', async () => {
    sms.emit('completed', job('send-sms-code', 1_000, 1_040));
    sms.emit('completed', job('send-sms-code', 2_000, 2_020));
    sms.emit('failed', job('send-sms-code', 3_000, 3_500), new Error('provider down'));
    sms.emit('failed', undefined, new Error('stalled'));
    const text = await metrics.render();
    expect(text).toContain(
      'worker_jobs_total{queue="sms",job="send-sms-code",outcome="completed"} 2',
    );
    expect(text).toContain('worker_jobs_total{queue="sms",job="send-sms-code",outcome="failed"} 1');
    expect(text).toContain('worker_job_duration_seconds_count{queue="sms",job="send-sms-code"} 3');
    expect(text).toContain('worker_job_duration_seconds_sum{queue="sms",job="send-sms-code"} 0.56');
    expect(text).toContain(
      'worker_job_duration_seconds_bucket{le="0.05",queue="sms",job="send-sms-code"} 2',
    );
  });

  it('tells when a job last completed, so an alert can see a nightly repair stop', async () => {
    statistics.emit('completed', job('repair-counters', 1_764_900_000_000, 1_764_900_075_000));
    expect(await metrics.render()).toContain(
      'worker_job_last_completed_timestamp_seconds{queue="statistics",job="repair-counters"} 1764900075',
    );
  });

  it('reads each queue’s backlog when scraped', async () => {
    let text = await metrics.render();
    expect(text).toContain('worker_queue_jobs{queue="sms",state="waiting"} 3');
    expect(text).toContain('worker_queue_jobs{queue="statistics",state="failed"} 4');
    counts.sms.waiting = 0;
    text = await metrics.render();
    expect(text).toContain('worker_queue_jobs{queue="sms",state="waiting"} 0');
  });
  it('serves the process metrics too, as every other app does', async () => {
    const text = await metrics.render();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });
});
