import { RedisLock } from '@app/cache';
import { APP_CONFIG, errorMessage } from '@app/config';
import type { counterRepairV1 } from '@app/contracts';
import {
  InjectGrpcClient,
  NEWS_COUNTER_REPAIR_GRPC,
  unary,
  USER_COUNTER_REPAIR_GRPC,
} from '@app/grpc';
import {
  JobName,
  jobPayload,
  JobProcessor,
  QueueName,
  type RepairCountersPayload,
} from '@app/queue';
import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';

import type { WorkerConfig } from '../config/worker.config';
import { CounterRepairRecord } from './counter-repair.record';
import { counterRepairRetryDelay, counterRepairRetryRefusal } from './counter-repair.retry';

export type RepairCountersResult =
  | { repaired: Array<{ key: string; members: number }> }
  /** Another repair (another job) held the lock; it rebuilds the same counters. */
  | { skipped: 'already running' };

const SCHEDULED_MINUTE = /^\d{12}$/;

/**
 * Rebuilds every Redis counter from MySQL (reference "Counters", repair job). The user and news
 * services own the tables and the counters, so the job asks each (RepairCounters over gRPC) to
 * rebuild its own. A Redis lock keeps two repairs from overlapping anywhere in the cluster; a
 * failed call throws and BullMQ retries the whole repair, which is safe to run again, until the
 * job's retries end (`retryUntil`); a retry after that fails for good.
 */
@JobProcessor(QueueName.Statistics, [JobName.RepairCounters], {
  // The backoff of the scheduled repairs (`counterRepairRetry`), which BullMQ has no type for.
  settings: { backoffStrategy: counterRepairRetryDelay },
  // A repair is safe to run again, and is cut short by every crash of its worker and every stop
  // that outlasts WORKER_SHUTDOWN_TIMEOUT_MS (a rollout stops each replica once): handed out again
  // after each of up to 5, where BullMQ's 1 failed it at the second and the counters waited a day.
  maxStalledCount: 5,
})
export class CounterRepairProcessor extends WorkerHost {
  private readonly logger = new Logger(CounterRepairProcessor.name);

  constructor(
    @InjectGrpcClient(NEWS_COUNTER_REPAIR_GRPC)
    private readonly news: counterRepairV1.CounterRepairServiceClient,
    @InjectGrpcClient(USER_COUNTER_REPAIR_GRPC)
    private readonly user: counterRepairV1.CounterRepairServiceClient,
    @Inject(RedisLock) private readonly locks: Pick<RedisLock, 'acquire'>,
    @Inject(APP_CONFIG) private readonly config: Pick<WorkerConfig, 'COUNTER_REPAIR_DEADLINE_MS'>,
    @Inject(CounterRepairRecord) private readonly record: Pick<CounterRepairRecord, 'repaired'>,
  ) {
    super();
  }

  async process(
    job: Pick<Job<unknown>, 'id' | 'name' | 'data' | 'attemptsMade'>,
  ): Promise<RepairCountersResult> {
    const { retryUntil } = jobPayload(job, JobName.RepairCounters, isRepairCountersPayload);
    const refusal = counterRepairRetryRefusal(retryUntil, job.attemptsMade, new Date());
    if (refusal) {
      const reason = `counter repair ${job.id ?? '?'} gives up on attempt ${job.attemptsMade + 1}: ${refusal}`;
      this.logger.warn(reason);
      throw new UnrecoverableError(reason);
    }
    // Outlives both calls' deadline, so it cannot lapse while they run. Held in the job's name: a
    // run of this job that a worker's crash cut short leaves the lock to this one, not a skip.
    const lease = await this.locks.acquire(
      JobName.RepairCounters,
      this.config.COUNTER_REPAIR_DEADLINE_MS + 60_000,
      job.id,
    );
    if (!lease) return { skipped: 'already running' };
    try {
      const started = new Date();
      const calls = [unary(this.news.repairCounters({})), unary(this.user.repairCounters({}))];
      // Both calls end before the lock goes: a retry must not rebuild a counter that is still being rebuilt.
      await Promise.allSettled(calls);
      const repaired = (await Promise.all(calls)).flatMap((reply) => reply.counters);
      this.logger.log(
        `counters rebuilt from MySQL in ${Date.now() - started.getTime()} ms: ${repaired.map(({ key, members }) => `${key} ${members}`).join(', ')}`,
      );
      // Not worth a whole repair again: at worst a worker's next start makes up a run that was done.
      await this.record.repaired(started).then(
        (recorded) => {
          if (!recorded)
            this.logger.warn(
              'the state Redis lost its data during the repair: the next loss check repairs again',
            );
        },
        (error: unknown) => this.logger.warn(`the repair was not recorded: ${errorMessage(error)}`),
      );
      return { repaired };
    } finally {
      await lease.release();
    }
  }
}

function isRepairCountersPayload(value: unknown): value is RepairCountersPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { scheduledFor, retryUntil } = value as Partial<
    Record<keyof RepairCountersPayload, unknown>
  >;
  return (
    typeof scheduledFor === 'string' &&
    SCHEDULED_MINUTE.test(scheduledFor) &&
    (retryUntil === undefined || isIsoTime(retryUntil))
  );
}

function isIsoTime(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(value).toISOString() === value
  );
}
