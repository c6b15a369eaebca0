import { settledWithin } from '@app/config';
import { AppMetrics } from '@app/grpc';
import { ProcessorRegistry } from '@app/queue';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** How long a scrape waits for a queue's counts before it answers without them. */
export const QUEUE_COUNTS_TIMEOUT_MS = 1_000;

type QueueCounts = Record<string, number>;

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

  /** Each queue's read still waiting for its Redis, so a scrape adds none beside it. */
  private readonly pendingCounts = new Map<string, Promise<QueueCounts | undefined>>();

  constructor(private readonly sources: MetricsSources) {
    const queueNames = () => sources.workers().map((worker) => worker.name);
    const countsOf = (name: string) => this.queueCounts(name);
    new Gauge({
      name: 'worker_queue_jobs',
      help: 'Jobs in each queue this worker runs, by state, when scraped.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const names = queueNames();
        const counts = await Promise.all(names.map(countsOf));
        names.forEach((name, index) => {
          const read = counts[index];
          if (!read) return; // unread: left out, not reported as 0
          for (const state of QUEUE_STATES) this.set({ queue: name, state }, read[state] ?? 0);
        });
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

  /**
   * The queue's job counts, or undefined when its Redis did not answer within
   * QUEUE_COUNTS_TIMEOUT_MS: BullMQ's connections wait for ever while it is down, which held every
   * scrape (the process and job metrics too) and queued one more read each time.
   */
  private queueCounts(name: string): Promise<QueueCounts | undefined> {
    const queue = this.sources.queue(name);
    if (!queue) return Promise.resolve(undefined);
    let pending = this.pendingCounts.get(name);
    if (!pending) {
      pending = queue.getJobCounts(...QUEUE_STATES).then(
        (counts) => counts,
        () => undefined,
      );
      this.pendingCounts.set(name, pending);
      void pending.finally(() => this.pendingCounts.delete(name));
    }
    return settledWithin(pending, QUEUE_COUNTS_TIMEOUT_MS, undefined);
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
