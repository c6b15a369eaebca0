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
  const lastRetryBy = counterRepairRetryEnd(cron, timeZone, enqueuedAt).getTime();
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

/** When the retries of a repair enqueued at `enqueuedAt` end: MAX_RETRY_DELAY_MS before the next run of `cron`. */
export function counterRepairRetryEnd(cron: string, timeZone: string, enqueuedAt: Date): Date {
  const nextRun = new CronTime(cron, timeZone).getNextDateFrom(enqueuedAt, timeZone).toMillis();
  return new Date(nextRun - MAX_RETRY_DELAY_MS);
}

/**
 * Why a repair that has failed `attemptsMade` times must not be tried again at `now`, or undefined
 * if it may. Its attempts are counted from the waits between them, but an attempt against a
 * service that hangs lasts up to COUNTER_REPAIR_DEADLINE_MS, so they could run on past the next
 * scheduled repair: a retry that starts after `retryUntil` is refused. A first attempt always runs,
 * and so does every attempt of a repair without `retryUntil` (asked for by hand, or enqueued before
 * repairs carried it).
 */
export function counterRepairRetryRefusal(
  retryUntil: string | undefined,
  attemptsMade: number,
  now: Date,
): string | undefined {
  if (retryUntil === undefined || attemptsMade === 0) return undefined;
  if (now.getTime() <= Date.parse(retryUntil)) return undefined;
  return `its retries ended at ${retryUntil}, shortly before the next scheduled repair, which takes over`;
}
