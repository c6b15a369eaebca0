import type { RetryOptions } from '@app/queue';
import { CronTime } from 'cron';

/** The repair's own backoff type, computed by {@link counterRepairRetryDelay} on the statistics worker. */
export const COUNTER_REPAIR_BACKOFF = 'counter-repair';

const FIRST_RETRY_DELAY_MS = 1_000;

/** The longest wait between two attempts: a repair runs at most this long after news and user are back. */
export const MAX_RETRY_DELAY_MS = 10 * 60_000;

/** The delay before the retry that follows the `attemptsMade`th failed attempt: 1 s doubling, capped. */
export function counterRepairRetryDelay(attemptsMade: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attemptsMade - 1), MAX_RETRY_DELAY_MS);
}

/**
 * The attempts of a repair enqueued at `enqueuedAt`: retries (see {@link counterRepairRetryDelay})
 * for as long as they fall at least MAX_RETRY_DELAY_MS before the next run of `cron`, which then
 * takes over; so news or user down for hours at the scheduled minute delays that night's repair
 * rather than losing it. Failed attempts keep a few stack traces, not one per retry.
 */
export function counterRepairRetry(
  cron: string,
  timeZone: string,
  enqueuedAt: Date,
): Required<RetryOptions> {
  const nextRun = new CronTime(cron, timeZone).getNextDateFrom(enqueuedAt, timeZone).toMillis();
  const lastRetryBy = nextRun - MAX_RETRY_DELAY_MS;
  let attempts = 1;
  for (
    let at = enqueuedAt.getTime() + counterRepairRetryDelay(attempts);
    at <= lastRetryBy;
    at += counterRepairRetryDelay(attempts)
  ) {
    attempts += 1;
  }
  return { attempts, backoff: { type: COUNTER_REPAIR_BACKOFF }, stackTraceLimit: 10 };
}
