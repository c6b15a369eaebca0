import { randomUUID } from 'node:crypto';

import { APP_CONFIG, errorMessage, PeriodicTask } from '@app/config';
import {
  JobName,
  jobId,
  JobProducer,
  QueueName,
  type RepairCountersPayload,
  retryFailedJob,
  type RetryOptions,
} from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Queue } from 'bullmq';
import { CronJob, CronTime } from 'cron';

import type { WorkerConfig } from '../config/worker.config';
import { CounterRepairRecord } from './counter-repair.record';
import { counterRepairRetry, counterRepairRetryEnd } from './counter-repair.retry';

/** How often each worker checks that the state Redis still holds the repair's record. */
export const LOSS_CHECK_INTERVAL_MS = 60_000;

/** How long a loss stays recorded when the replica that recorded it does not enqueue its repair. */
export const LOSS_CLAIM_MS = LOSS_CHECK_INTERVAL_MS;

/**
 * Enqueues the counter repair on COUNTER_REPAIR_CRON. Every worker replica's clock fires, and
 * each adds the job under the same id (the minute it fired for), so the cluster runs it once.
 * A worker that starts after a scheduled minute passed with no repair since (no worker was up
 * then) enqueues that minute's repair at once, under the same id as every replica starting then.
 * A state Redis without the repair's record (new, or it lost its data: a restart without
 * persistence, a failover to an empty replica) is repaired at once, found at start or by the
 * check every LOSS_CHECK_INTERVAL_MS, under one job id per loss for every replica.
 * Each job retries until shortly before the next scheduled run (`counterRepairRetry`), and no
 * retry starts after that (`retryUntil`).
 */
@Injectable()
export class CounterRepairScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CounterRepairScheduler.name);
  private readonly lossChecks = new PeriodicTask(() => this.checkForLoss());
  private checking: Promise<void> | undefined;

  constructor(
    @Inject(SchedulerRegistry) private readonly registry: Pick<SchedulerRegistry, 'addCronJob'>,
    @Inject(JobProducer) private readonly jobs: Pick<JobProducer, 'enqueue'>,
    @Inject(APP_CONFIG) private readonly config: Pick<WorkerConfig, 'COUNTER_REPAIR_CRON' | 'TZ'>,
    @Inject(CounterRepairRecord)
    private readonly record: Pick<
      CounterRepairRecord,
      'lastRepair' | 'present' | 'recordLoss' | 'lossRepairEnqueued'
    >,
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
    this.lossChecks.every(LOSS_CHECK_INTERVAL_MS);
  }

  /** With the cron (ScheduleModule), before the Redis clients close in onApplicationShutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.lossChecks.stop();
    await this.checking;
  }

  /**
   * With no repair recorded (see {@link repairIfLost}) the repair now; else the first scheduled
   * repair after the last one if its minute is past by `now`. Returns the job id of what it enqueued.
   */
  async catchUp(now: Date): Promise<string | undefined> {
    const last = await this.record.lastRepair();
    if (last === undefined) return this.repairLost(now);
    const { COUNTER_REPAIR_CRON: cron, TZ: timeZone } = this.config;
    const missed = new CronTime(cron, timeZone).getNextDateFrom(last, timeZone).toJSDate();
    if (missed > now) return undefined;
    this.logger.warn(
      `no counter repair since ${last.toISOString()}: the one of ${missed.toISOString()} runs now`,
    );
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

  /**
   * Enqueues a repair now if the state Redis holds no record of one (it lost its data since the
   * last check, or never had any); returns its job id. One EXISTS when nothing is lost.
   */
  async repairIfLost(now: Date): Promise<string | undefined> {
    if (await this.record.present()) return undefined;
    return this.repairLost(now);
  }

  /** One check at a time, however long a state Redis that does not answer makes one last. */
  private checkForLoss(): Promise<void> {
    this.checking ??= this.repairIfLost(new Date())
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.error(
            `the state Redis could not be checked for lost counters: ${errorMessage(error)}`,
          ),
      )
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  /**
   * Records the loss (the first replica's time stands) and enqueues the repair under that time's
   * id, so replicas finding the same loss, at start or while running, add one job. The loss stays
   * recorded once one of them has enqueued it, and lapses otherwise (see `recordLoss`).
   */
  private async repairLost(now: Date): Promise<string> {
    const since = await this.record.recordLoss(now, LOSS_CLAIM_MS);
    this.logger.warn(
      `no counter repair recorded on the state Redis (new, or it lost its data): counters are rebuilt from MySQL now`,
    );
    const id = await enqueueLostCounterRepair(this.jobs, since, this.retryFrom(since));
    await this.record.lossRepairEnqueued(since);
    return id;
  }

  /** Adds the repair for the minute `firedAt` falls in; returns its job id. */
  enqueue(firedAt: Date): Promise<string> {
    return enqueueCounterRepair(this.jobs, firedAt, this.retryFrom(firedAt));
  }

  private retryFrom(enqueuedAt: Date): ScheduledRetry {
    const { COUNTER_REPAIR_CRON: cron, TZ: timeZone } = this.config;
    return {
      retry: counterRepairRetry(cron, timeZone, enqueuedAt),
      retryUntil: counterRepairRetryEnd(cron, timeZone, enqueuedAt),
    };
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
export function enqueueCounterRepair(
  jobs: Pick<JobProducer, 'enqueue'>,
  at: Date,
  scheduled: ScheduledRetry,
): Promise<string> {
  const payload = counterRepairPayload(at, scheduled);
  return jobs.enqueue(JobName.RepairCounters, payload, {
    jobId: jobId(JobName.RepairCounters, payload.scheduledFor),
    retry: scheduled.retry,
  });
}

/**
 * Adds the repair of a state Redis found without the repair's record at `since` (the time recorded
 * there, the same for every replica): one job id per loss, and one of its own, so a repair of the
 * same minute that ran before the loss does not stand for it.
 */
export function enqueueLostCounterRepair(
  jobs: Pick<JobProducer, 'enqueue'>,
  since: Date,
  scheduled: ScheduledRetry,
): Promise<string> {
  return jobs.enqueue(JobName.RepairCounters, counterRepairPayload(since, scheduled), {
    jobId: jobId(JobName.RepairCounters, 'lost', since.getTime()),
    retry: scheduled.retry,
  });
}

/**
 * Adds a counter repair asked for by hand, under an id of its own: it runs whatever repair of the
 * minute there is, where joining one that had completed answered its outcome and repaired
 * nothing. It has the job's own attempts (`jobOptionsFor`) and no end to its retries.
 */
export function enqueueRequestedCounterRepair(
  jobs: Pick<JobProducer, 'enqueue'>,
  at: Date,
): Promise<string> {
  return jobs.enqueue(JobName.RepairCounters, counterRepairPayload(at), {
    jobId: jobId(JobName.RepairCounters, 'requested', randomUUID()),
  });
}

function counterRepairPayload(at: Date, scheduled?: ScheduledRetry): RepairCountersPayload {
  const scheduledFor = scheduledMinute(at);
  return scheduled
    ? { scheduledFor, retryUntil: scheduled.retryUntil.toISOString() }
    : { scheduledFor };
}

/** `YYYYMMDDHHmm` in UTC: the same on every replica whose clock is within the minute. */
export function scheduledMinute(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/\D/g, '');
}
