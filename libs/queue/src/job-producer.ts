import type { JobsOptions, Queue } from 'bullmq';

import { assertValidJobId, jobOptionsFor } from './job-options';
import { JOB_QUEUE, type JobName, type JobPayloads } from './queue-names';

/** How one job is enqueued. */
export interface EnqueueOptions {
  /**
   * Deterministic id (see `jobId()`): while a job with this id exists (completed jobs are kept
   * one hour), adding it again is a no-op, so a redelivered request enqueues once.
   */
  jobId: string;
  delayMs?: number;
  /** In place of the job's own attempts and backoff (`jobOptionsFor`). */
  retry?: RetryOptions;
}

/** How often a job is tried and how long it waits between tries. */
export type RetryOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'stackTraceLimit'>;

/**
 * Typed producer: picks the job's queue from JOB_QUEUE and applies the job's options (`jobOptionsFor`).
 * Provided by `QueueModule.registerQueues(...)` for the queues registered there.
 */
export class JobProducer {
  private readonly queues: ReadonlyMap<string, Queue>;

  constructor(queues: readonly Queue[]) {
    this.queues = new Map(queues.map((queue) => [queue.name, queue]));
  }

  /**
   * Whether every queue's Redis connection is up. While it is down BullMQ keeps a producer's
   * commands until it is back (its connections never give up), so a caller that must not wait
   * asks first.
   */
  async connected(): Promise<boolean> {
    const clients = await Promise.all([...this.queues.values()].map((queue) => queue.client));
    return clients.every((client) => client.status === 'ready');
  }

  /** Whether the queue of jobs of `name` is registered here, so `enqueue` can add them. */
  feeds(name: JobName): boolean {
    return this.queues.has(JOB_QUEUE[name]);
  }

  /** Adds the job (or finds the existing one with the same id) and returns its id. */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: EnqueueOptions,
  ): Promise<string> {
    assertValidJobId(options.jobId);
    const queueName = JOB_QUEUE[name];
    const queue = this.queues.get(queueName);
    if (!queue) {
      throw new Error(
        `Queue "${queueName}" for job "${name}" is not registered; add it to QueueModule.registerQueues()`,
      );
    }
    const job = await queue.add(name, payload, {
      ...jobOptionsFor(name),
      ...options.retry,
      jobId: options.jobId,
      delay: options.delayMs,
    });
    return job.id ?? options.jobId;
  }
}
