import {
  COUNTER_REPAIR_BACKOFF,
  counterRepairRetry,
  counterRepairRetryDelay,
  counterRepairRetryEnd,
  counterRepairRetryRefusal,
  MAX_RETRY_DELAY_MS,
} from './counter-repair.retry';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** When each attempt of a job with `attempts` starts, from its first: BullMQ's own bookkeeping. */
function attemptOffsets(attempts: number): number[] {
  const offsets = [0];
  for (let failed = 1; failed < attempts; failed += 1) {
    offsets.push(offsets[failed - 1] + counterRepairRetryDelay(failed));
  }
  return offsets;
}

describe('counterRepairRetry', () => {
  it('waits 1 s doubling between attempts, as every sync job does, then at most 10 minutes', () => {
    expect([1, 2, 3, 10, 11, 12, 200].map(counterRepairRetryDelay)).toEqual([
      1_000,
      2_000,
      4_000,
      512_000,
      MAX_RETRY_DELAY_MS,
      MAX_RETRY_DELAY_MS,
      MAX_RETRY_DELAY_MS,
    ]);
  });

  it('retries a nightly repair until shortly before the next night’s, which then takes over', () => {
    // 03:00 in Shanghai; the next run is 24 h later.
    const firedAt = new Date('2026-12-04T19:00:00.050Z');
    const nextRun = Date.parse('2026-12-05T19:00:00Z') - firedAt.getTime();
    const retry = counterRepairRetry('0 3 * * *', 'Asia/Shanghai', firedAt);
    expect(retry).toEqual({
      attempts: 152,
      backoff: { type: COUNTER_REPAIR_BACKOFF },
      stackTraceLimit: 10,
    });
    const offsets = attemptOffsets(retry.attempts);
    const last = offsets[offsets.length - 1];
    expect(last).toBeLessThanOrEqual(nextRun - MAX_RETRY_DELAY_MS);
    expect(last + MAX_RETRY_DELAY_MS).toBeGreaterThan(nextRun - MAX_RETRY_DELAY_MS);
  });

  it('runs the repair within 10 minutes of an outage of two hours ending, where 12 attempts ended after 34 minutes', () => {
    const retry = counterRepairRetry(
      '0 3 * * *',
      'Asia/Shanghai',
      new Date('2026-12-04T19:00:00Z'),
    );
    const back = 2 * HOUR;
    const firstAfter = attemptOffsets(retry.attempts).find((offset) => offset >= back);
    expect(firstAfter).toBeDefined();
    expect(firstAfter! - back).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    expect(attemptOffsets(12)[11]).toBeLessThan(35 * MINUTE);
  });

  it('counts from when a made-up repair is enqueued, not from its missed minute', () => {
    // A worker starting at 20:00 (Shanghai) makes up that night's repair: 6 h 50 min of retries.
    const retry = counterRepairRetry(
      '0 3 * * *',
      'Asia/Shanghai',
      new Date('2026-12-05T12:00:00Z'),
    );
    const last = attemptOffsets(retry.attempts)[retry.attempts - 1];
    expect(last).toBeLessThanOrEqual(7 * HOUR - MAX_RETRY_DELAY_MS);
    expect(last).toBeGreaterThan(7 * HOUR - 2 * MAX_RETRY_DELAY_MS);
  });

  it('follows the schedule: an hourly repair retries for 47 minutes, one every minute not at all', () => {
    const firedAt = new Date('2026-12-04T19:00:00Z');
    const hourly = counterRepairRetry('0 * * * *', 'UTC', firedAt);
    expect(hourly.attempts).toBe(14);
    expect(attemptOffsets(hourly.attempts)[13]).toBe(1_023_000 + 3 * MAX_RETRY_DELAY_MS);
    expect(counterRepairRetry('* * * * *', 'UTC', firedAt).attempts).toBe(1);
  });
});

describe('counterRepairRetryEnd', () => {
  it('ends the retries 10 minutes before the next scheduled run, the one its attempts were counted to', () => {
    const firedAt = new Date('2026-12-04T19:00:00.050Z');
    const end = counterRepairRetryEnd('0 3 * * *', 'Asia/Shanghai', firedAt);
    expect(end.toISOString()).toBe('2026-12-05T18:50:00.000Z');
    const retry = counterRepairRetry('0 3 * * *', 'Asia/Shanghai', firedAt);
    const last = attemptOffsets(retry.attempts)[retry.attempts - 1];
    expect(firedAt.getTime() + last).toBeLessThanOrEqual(end.getTime());
  });
});

describe('counterRepairRetryRefusal', () => {
  const retryUntil = '2026-12-05T18:50:00.000Z';

  it('refuses a retry that starts after the retries ended, however many attempts are left', () => {
    expect(counterRepairRetryRefusal(retryUntil, 3, new Date('2026-12-05T18:50:00.001Z'))).toBe(
      'its retries ended at 2026-12-05T18:50:00.000Z, shortly before the next scheduled repair, which takes over',
    );
  });

  it('lets a retry run up to the end of the retries', () => {
    expect(counterRepairRetryRefusal(retryUntil, 3, new Date(retryUntil))).toBeUndefined();
    expect(
      counterRepairRetryRefusal(retryUntil, 151, new Date('2026-12-05T18:00:00Z')),
    ).toBeUndefined();
  });

  it('always runs a first attempt, and every attempt of a repair with no end to its retries', () => {
    expect(
      counterRepairRetryRefusal(retryUntil, 0, new Date('2026-12-06T00:00:00Z')),
    ).toBeUndefined();
    expect(
      counterRepairRetryRefusal(undefined, 11, new Date('2026-12-06T00:00:00Z')),
    ).toBeUndefined();
  });
});
