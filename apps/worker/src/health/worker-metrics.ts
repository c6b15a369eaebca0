import { AppMetrics } from '@app/grpc';
import { ProcessorRegistry } from '@app/queue';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** What the metrics read: the started workers, and a queue's job counts at scrape time. */
export interface MetricsSources {
  workers(): ReadonlyArray<Pick<Worker, 'name' | 'on'>>;
  queue(name: string): Pick<Queue, 'getJobCounts'> | undefined;
}

/**
 * The worker's Prometheus metrics, served by the health server at `/metrics`: jobs finished per
 * queue, job and outcome, their run time, when each job last completed (an alert can tell a
 * nightly counter repair that stopped happening), and each queue's backlog, read at scrape.
 */
export class WorkerMetrics {
  /** The process metrics, as every app serves them, and the jobs'. */
  readonly registry = new AppMetrics().registry;
  private readonly finished = new Counter({
    name: 'worker_jobs_total',
    help: 'Job attempts this worker finished, by queue, job name and outcome (completed or failed).',
    labelNames: ['queue', 'job', 'outcome'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'worker_job_duration_seconds',
    help: 'How long a job attempt ran, from start to finish.',
    labelNames: ['queue', 'job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });
  private readonly lastCompleted = new Gauge({
    name: 'worker_job_last_completed_timestamp_seconds',
    help: 'When a job of this queue and name last completed (Unix time).',
    labelNames: ['queue', 'job'],
    registers: [this.registry],
  });

  constructor(private readonly sources: MetricsSources) {
    const queueNames = () => sources.workers().map((worker) => worker.name);
    new Gauge({
      name: 'worker_queue_jobs',
      help: 'Jobs in each queue this worker runs, by state, when scraped.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const name of queueNames()) {
          const counts = await sources.queue(name)?.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts?.[state] ?? 0);
        }
      },
    });
  }

  /** Starts counting the jobs of every started worker. */
  watch(): void {
    for (const worker of this.sources.workers()) {
      worker.on('completed', (job: Job) => this.record(worker.name, job, 'completed'));
      worker.on('failed', (job: Job | undefined) => {
        if (job) this.record(worker.name, job, 'failed');
      });
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private record(queue: string, job: Job, outcome: 'completed' | 'failed'): void {
    const labels = { queue, job: job.name };
    this.finished.inc({ ...labels, outcome });
    if (job.processedOn !== undefined && job.finishedOn !== undefined) {
      this.duration.observe(labels, Math.max(0, job.finishedOn - job.processedOn) / 1000);
    }
    if (outcome === 'completed')
      this.lastCompleted.set(labels, (job.finishedOn ?? Date.now()) / 1000);
  }
}

/** WorkerMetrics of this application: its processors' workers and the queues it registered. */
@Injectable()
export class WorkerMetricsProvider implements OnApplicationBootstrap {
  readonly metrics: WorkerMetrics;

  constructor(moduleRef: ModuleRef) {
    this.metrics = new WorkerMetrics({
      workers: () => moduleRef.get(ProcessorRegistry, { strict: false }).startedWorkers(),
      queue: (name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    });
  }

  /** After the processors' workers started (they start in onModuleInit). */
  onApplicationBootstrap(): void {
    this.metrics.watch();
  }
}
