import { APP_CONFIG, errorMessage } from '@app/config';
import { isRefusedJob, QueueName, retryFailedJob } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Job, Queue } from 'bullmq';

import type { WorkerConfig } from '../config/worker.config';

/** Failed jobs read at a time. */
export const REDRIVE_BATCH = 1_000;

/**
 * Failed jobs read per round at most (each a hash read from the queue Redis, by every replica): the
 * failed set is kept 7 days with no cap on its size, and the next round goes on where it stopped.
 */
export const REDRIVE_ROUND_LIMIT = 10 * REDRIVE_BATCH;

/**
 * BullMQ's failure reason (not exported by it) for a job whose worker lost it mid-run (killed, or
 * its lock lost) more often than `maxStalledCount`, whatever attempts it had left.
 */
const STALLED_FAILURE_REASON = 'job stalled more than allowable limit';

/**
 * How long after it was added a failed job is still given new attempts. A job keeps when it was
 * added through its redrives, so one that fails whenever it runs (an article news cannot index)
 * stops after a day (about 30 rounds of 12 attempts) and is removed 7 days later, where it ran
 * again every round for as long as the queue was up, each failure logged anew.
 */
export const REDRIVE_FOR_MS = 24 * 3_600_000;

/**
 * Whether a failed job is worth new attempts: it used up its own (its call failing throughout),
 * or BullMQ failed it as stalled, within REDRIVE_FOR_MS of being added. A job refused for good (a
 * malformed payload, a name the queue has no handler for) is not, however many attempts it had:
 * one added by hand has none.
 */
function isRedrivable(
  job: Pick<Job, 'attemptsMade' | 'opts' | 'failedReason' | 'timestamp'>,
  now: number,
): boolean {
  if (isRefusedJob(job) || now - job.timestamp > REDRIVE_FOR_MS) return false;
  return (
    job.attemptsMade >= (job.opts.attempts ?? 1) || job.failedReason === STALLED_FAILURE_REASON
  );
}

/**
 * Gives the search index jobs that used up their attempts (news, or its search backend, down
 * through their backoff: about 34 minutes) or that BullMQ failed as stalled (workers killed
 * mid-job) new ones every SEARCH_REDRIVE_INTERVAL_MS, where they stayed failed and the article's
 * entry stale until its next change: an approval never found, an edit found by its old title. A
 * job refused for good (a malformed payload) is left alone. Every replica may run it: a job
 * another one moved first is no longer failed, and the job re-reads the article, so running it
 * late or twice is harmless.
 */
@Injectable()
export class SearchIndexRedriver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SearchIndexRedriver.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Where the next round starts reading, past the jobs left failed: 0 once a round read them all. */
  private resumeAt = 0;

  constructor(
    @InjectQueue(QueueName.SearchIndex)
    private readonly queue: Pick<Queue, 'getFailed'>,
    @Inject(APP_CONFIG) private readonly config: Pick<WorkerConfig, 'SEARCH_REDRIVE_INTERVAL_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.redrive(), this.config.SEARCH_REDRIVE_INTERVAL_MS);
    this.timer.unref();
  }

  // A round in flight is not waited for: with the queue Redis down its commands wait until Redis is
  // back (BullMQ's connections never give up). Each move is one command, so it may stop anywhere.
  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Moves the redrivable failed jobs back to waiting; answers how many it moved. */
  redrive(): Promise<number> {
    this.running ??= this.redriveFailed()
      .catch((error: unknown) => {
        this.logger.warn(
          `failed search index jobs not run again (next round): ${errorMessage(error)}`,
        );
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Reads the failed jobs REDRIVE_BATCH at a time, newest first, through to the oldest: a job left
   * failed keeps its place, so the next batch starts after those left. Where only the newest batch
   * was read, a job behind as many refused ones (kept 7 days) was never run again. A round reads at
   * most REDRIVE_ROUND_LIMIT jobs, and the next one goes on from there (jobs failed meanwhile, ahead
   * of it, are read again, none skipped); past the oldest it goes on from the newest.
   */
  private async redriveFailed(): Promise<number> {
    let moved = 0;
    let left = this.resumeAt;
    let fromNewest = left === 0;
    let read = 0;
    while (read < REDRIVE_ROUND_LIMIT) {
      const jobs = await this.queue.getFailed(left, left + REDRIVE_BATCH - 1);
      if (jobs.length === 0) {
        // Past the oldest: done if the round began at the newest, else on from there.
        left = 0;
        if (fromNewest) break;
        fromNewest = true;
        continue;
      }
      read += jobs.length;
      for (const job of jobs) {
        if (!isRedrivable(job, Date.now())) left += 1;
        // Moved by this replica or, when it answers false, by another one first.
        else if (await retryFailedJob(job)) moved += 1;
      }
    }
    this.resumeAt = left;
    if (moved > 0) this.logger.log(`${moved} search index jobs that had failed run again`);
    return moved;
  }
}
