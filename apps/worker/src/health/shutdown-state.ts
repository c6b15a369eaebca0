import { ProcessorRegistry, QueueHealth } from '@app/queue';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';

/** What keeps a stopping worker from ending: its jobs in progress, and whether its queue Redis answers. */
export interface ShutdownState {
  /** `queue/job name/job id` of each job begun and not yet acknowledged as completed or failed. */
  jobsInProgress: readonly string[];
  /** Whether the queue Redis answered PING in time. */
  queueRedisAnswers: boolean;
}

/** Follows the jobs of every started BullMQ worker, to tell why a shutdown did not end in time. */
@Injectable()
export class ShutdownStateProvider implements OnApplicationBootstrap {
  private readonly inProgress = new Map<string, string>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly queue: QueueHealth,
  ) {}

  /** After the processors' workers started (they start in onModuleInit). */
  onApplicationBootstrap(): void {
    for (const worker of this.workers()) {
      const key = (job: Job) => `${worker.name}/${job.name}/${String(job.id)}`;
      worker.on('active', (job: Job) => this.inProgress.set(key(job), key(job)));
      worker.on('completed', (job: Job) => this.inProgress.delete(key(job)));
      worker.on('failed', (job: Job | undefined) => {
        if (job) this.inProgress.delete(key(job));
      });
    }
  }

  async state(pingTimeoutMs: number): Promise<ShutdownState> {
    const queueRedisAnswers = await this.queue.isReady(pingTimeoutMs);
    return { jobsInProgress: [...this.inProgress.values()], queueRedisAnswers };
  }

  private workers(): Worker[] {
    return this.moduleRef.get(ProcessorRegistry, { strict: false }).startedWorkers();
  }
}
