import { randomUUID } from 'node:crypto';

import { APP_CONFIG, errorMessage } from '@app/config';
import { JobName, jobId, JobProducer, QueueName, type RepairCountersPayload, retryFailedJob, type RetryOptions } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Queue } from 'bullmq';
import { CronJob, CronTime } from 'cron';

import type { WorkerConfig } from '../config/worker.config';
import { CounterRepairRecord } from './counter-repair.record';
import { counterRepairRetry, counterRepairRetryEnd } from './counter-repair.retry';

/**
 * Enqueues the counter repair on COUNTER_REPAIR_CRON. Every worker replica's clock fires, and
 * each adds the job under the same id (the minute it fired for), so the cluster runs it once.
 * A worker that starts after a scheduled minute passed with no repair since (no worker was up
 * then) enqueues that minute's repair at once, under the same id as every replica starting then.
 * Either job retries until shortly before the next scheduled run (`counterRepairRetry`), and no
 * retry starts after that (`retryUntil`).
 */
@Injectable()
export class CounterRepairScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CounterRepairScheduler.name);

  constructor(
    @Inject(SchedulerRegistry) private readonly registry: Pick<SchedulerRegistry, 'addCronJob'>,
    @Inject(JobProducer) private readonly jobs: Pick<JobProducer, 'enqueue'>,
    @Inject(APP_CONFIG) private readonly config: Pick<WorkerConfig, 'COUNTER_REPAIR_CRON' | 'TZ'>,
    @Inject(CounterRepairRecord) private readonly record: Pick<CounterRepairRecord, 'lastRepair'>,
    @InjectQueue(QueueName.Statistics) private readonly queue: Pick<Queue, 'getJob'>,
  ) {}

  onApplicationBootstrap(): void {
    const cron = CronJob.from({
      cronTime: this.config.COUNTER_REPAIR_CRON,
      timeZone: this.config.TZ,
      onTick: () => {
        void this.enqueue(new Date()).catch((error: unknown) =>
          this.logger.error(`the counter repair could not be enqueued: ${String(error)}`),
        );
      },
    });
    // ScheduleModule stops every registered job before the application shuts down.
    this.registry.addCronJob(JobName.RepairCounters, cron);
    cron.start();
    void this.catchUp(new Date()).catch((error: unknown) =>
      this.logger.error(`a missed counter repair could not be enqueued: ${errorMessage(error)}`),
    );
  }

  /** Enqueues the first scheduled repair after the last one if its minute is past by `now`; returns its job id. */
  async catchUp(now: Date): Promise<string | undefined> {
    const last = await this.record.lastRepair(now);
    const { COUNTER_REPAIR_CRON: cron, TZ: timeZone } = this.config;
    const missed = new CronTime(cron, timeZone).getNextDateFrom(last, timeZone).toJSDate();
    if (missed > now) return undefined;
    this.logger.warn(`no counter repair since ${last.toISOString()}: the one of ${missed.toISOString()} runs now`);
    const retry = this.retryFrom(now);
    const id = await enqueueCounterRepair(this.jobs, missed, retry);
    // That minute's job, kept failed (it used up its attempts or its time), would stand for the new
    // one: it runs again, its retries ending before the next run from now, not from its own.
    const job = await this.queue.getJob(id);
    if (job && (await job.isFailed())) {
      await job.updateData(counterRepairPayload(missed, retry));
      await retryFailedJob(job);
    }
    return id;
  }

  /** Adds the repair for the minute `firedAt` falls in; returns its job id. */
  enqueue(firedAt: Date): Promise<string> {
    return enqueueCounterRepair(this.jobs, firedAt, this.retryFrom(firedAt));
  }

  private retryFrom(enqueuedAt: Date): ScheduledRetry {
    const { COUNTER_REPAIR_CRON: cron, TZ: timeZone } = this.config;
    return { retry: counterRepairRetry(cron, timeZone, enqueuedAt), retryUntil: counterRepairRetryEnd(cron, timeZone, enqueuedAt) };
  }
}

/** A scheduled repair's attempts, and when its retries end. */
export interface ScheduledRetry {
  retry: RetryOptions;
  retryUntil: Date;
}

/**
 * Adds the scheduled counter repair of the minute `at` falls in: one job id per minute, so every
 * replica's tick (or start-up make-up) of that minute joins the one there is.
 */
export function enqueueCounterRepair(jobs: Pick<JobProducer, 'enqueue'>, at: Date, scheduled: ScheduledRetry): Promise<string> {
  const payload = counterRepairPayload(at, scheduled);
  return jobs.enqueue(JobName.RepairCounters, payload, { jobId: jobId(JobName.RepairCounters, payload.scheduledFor), retry: scheduled.retry });
}

/**
 * Adds a counter repair asked for by hand, under an id of its own: it runs whatever repair of the
 * minute there is, where joining one that had completed answered its outcome and repaired
 * nothing. It has the job's own attempts (`jobOptionsFor`) and no end to its retries.
 */
export function enqueueRequestedCounterRepair(jobs: Pick<JobProducer, 'enqueue'>, at: Date): Promise<string> {
  return jobs.enqueue(JobName.RepairCounters, counterRepairPayload(at), { jobId: jobId(JobName.RepairCounters, 'requested', randomUUID()) });
}

function counterRepairPayload(at: Date, scheduled?: ScheduledRetry): RepairCountersPayload {
  const scheduledFor = scheduledMinute(at);
  return scheduled ? { scheduledFor, retryUntil: scheduled.retryUntil.toISOString() } : { scheduledFor };
}

/** `YYYYMMDDHHmm` in UTC: the same on every replica whose clock is within the minute. */
export function scheduledMinute(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/\D/g, '');
}
