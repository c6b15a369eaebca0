import { JobName, type JobProducer } from '@app/queue';
import type { CronJob } from 'cron';

import { counterRepairRetry } from './counter-repair.retry';
import {
  CounterRepairScheduler,
  LOSS_CHECK_INTERVAL_MS,
  LOSS_CLAIM_MS,
  scheduledMinute,
} from './counter-repair.scheduler';

type Enqueue = jest.Mock<ReturnType<JobProducer['enqueue']>, Parameters<JobProducer['enqueue']>>;

function setUp(
  cron = '0 3 * * *',
  timeZone = 'Asia/Shanghai',
  lastRepair: Date | 'none' = new Date(),
) {
  let recorded = lastRepair === 'none' ? undefined : lastRepair;
  const record = {
    lastRepair: jest.fn((): Promise<Date | undefined> => Promise.resolve(recorded)),
    present: jest.fn(() => Promise.resolve(recorded !== undefined)),
    recordLoss: jest.fn((at: Date, _claimMs: number) => Promise.resolve((recorded ??= at))),
    lossRepairEnqueued: jest.fn((_since: Date) => Promise.resolve()),
  };
  const jobs: CronJob[] = [];
  const enqueue: Enqueue = jest.fn<
    ReturnType<JobProducer['enqueue']>,
    Parameters<JobProducer['enqueue']>
  >((_name, _payload, options) => Promise.resolve(options.jobId));
  const scheduler = new CounterRepairScheduler(
    { addCronJob: (_name: string, job: CronJob) => void jobs.push(job) },
    { enqueue },
    { COUNTER_REPAIR_CRON: cron, TZ: timeZone },
    record,
    { getJob: () => Promise.resolve(undefined) },
  );
  const loseRecord = () => (recorded = undefined);
  return { scheduler, jobs, enqueue, record, loseRecord };
}

describe('CounterRepairScheduler', () => {
  it('names the minute in UTC, so replicas in any zone agree', () => {
    expect(scheduledMinute(new Date('2026-12-04T19:00:59.999Z'))).toBe('202612041900');
    expect(scheduledMinute(new Date('2026-12-05T03:00:00+08:00'))).toBe('202612041900');
  });

  it('adds one repair per minute: every tick of that minute gets the same job id and payload', async () => {
    const { scheduler, enqueue } = setUp();
    const ids = await Promise.all([
      scheduler.enqueue(new Date('2026-12-04T19:00:00.050Z')),
      scheduler.enqueue(new Date('2026-12-04T19:00:41Z')),
    ]);
    expect(ids).toEqual(['repair-counters_202612041900', 'repair-counters_202612041900']);
    expect(enqueue.mock.calls[1][1]).toEqual(enqueue.mock.calls[0][1]);
    expect(enqueue).toHaveBeenCalledWith(
      JobName.RepairCounters,
      expect.objectContaining({ scheduledFor: '202612041900' }),
      expect.objectContaining({ jobId: 'repair-counters_202612041900' }),
    );
    expect(await scheduler.enqueue(new Date('2026-12-05T19:00:00Z'))).toBe(
      'repair-counters_202612051900',
    );
  });

  it('retries a scheduled repair until shortly before the next run, counted from when it fired, and says when its retries end', async () => {
    const { scheduler, enqueue } = setUp('0 3 * * *', 'Asia/Shanghai');
    const firedAt = new Date('2026-12-04T19:00:00.050Z');
    await scheduler.enqueue(firedAt);
    const retry = counterRepairRetry('0 3 * * *', 'Asia/Shanghai', firedAt);
    expect(retry.attempts).toBeGreaterThan(100);
    expect(enqueue).toHaveBeenCalledWith(
      JobName.RepairCounters,
      { scheduledFor: '202612041900', retryUntil: '2026-12-05T18:50:00.000Z' },
      { jobId: 'repair-counters_202612041900', retry },
    );
  });

  it('makes up the first scheduled minute after the last repair once it is past, in the configured zone', async () => {
    const { scheduler, enqueue } = setUp(
      '0 3 * * *',
      'Asia/Shanghai',
      new Date('2026-12-03T20:00:00Z'),
    );
    expect(await scheduler.catchUp(new Date('2026-12-04T18:59:59Z'))).toBeUndefined();
    expect(enqueue).not.toHaveBeenCalled();
    // Two replicas starting after 03:00 (Shanghai) add the same job, that minute's.
    expect(await scheduler.catchUp(new Date('2026-12-04T19:00:01Z'))).toBe(
      'repair-counters_202612041900',
    );
    expect(await scheduler.catchUp(new Date('2026-12-06T08:00:00Z'))).toBe(
      'repair-counters_202612041900',
    );
    // Its retries count from the start that made it up, not from its minute, long past.
    expect(enqueue).toHaveBeenLastCalledWith(
      JobName.RepairCounters,
      { scheduledFor: '202612041900', retryUntil: '2026-12-06T18:50:00.000Z' },
      {
        jobId: 'repair-counters_202612041900',
        retry: counterRepairRetry('0 3 * * *', 'Asia/Shanghai', new Date('2026-12-06T08:00:00Z')),
      },
    );
  });

  it('registers a running cron job that fires at 03:00 in the configured zone', () => {
    const { scheduler, jobs } = setUp();
    scheduler.onApplicationBootstrap();
    try {
      expect(jobs).toHaveLength(1);
      expect(jobs[0].isActive).toBe(true);
      const next = jobs[0].nextDate();
      expect(next.setZone('Asia/Shanghai').toFormat('HH:mm')).toBe('03:00');
      expect(next.toUTC().toFormat('HH:mm')).toBe('19:00');
    } finally {
      for (const job of jobs) void job.stop();
    }
  });

  it('follows COUNTER_REPAIR_CRON and TZ', () => {
    const { scheduler, jobs } = setUp('30 4 * * 1', 'UTC');
    scheduler.onApplicationBootstrap();
    try {
      const next = jobs[0].nextDate().toUTC();
      expect([next.toFormat('HH:mm'), next.weekday]).toEqual(['04:30', 1]);
    } finally {
      for (const job of jobs) void job.stop();
    }
  });

  it('repairs at once on a start with no repair recorded (a new or emptied state Redis), under the id of the time recorded', async () => {
    const { scheduler, enqueue } = setUp('0 3 * * *', 'Asia/Shanghai', 'none');
    const now = new Date('2026-12-06T08:00:00.250Z');
    // Replicas starting together both find no record; the one that records its time first names the job.
    const ids = await Promise.all([
      scheduler.catchUp(now),
      scheduler.catchUp(new Date('2026-12-06T08:00:03Z')),
    ]);
    expect(ids).toEqual([
      `repair-counters_lost_${now.getTime()}`,
      `repair-counters_lost_${now.getTime()}`,
    ]);
    // One starting once it is recorded adds nothing: the repair is under way.
    expect(await scheduler.catchUp(new Date('2026-12-06T08:00:05Z'))).toBeUndefined();
    expect(enqueue).toHaveBeenCalledTimes(2);
    expect(enqueue).toHaveBeenLastCalledWith(
      JobName.RepairCounters,
      { scheduledFor: '202612060800', retryUntil: '2026-12-06T18:50:00.000Z' },
      {
        jobId: `repair-counters_lost_${now.getTime()}`,
        retry: counterRepairRetry('0 3 * * *', 'Asia/Shanghai', now),
      },
    );
  });

  it('keeps the loss recorded only once its repair is enqueued: a replica that fails to leaves it to lapse, for the next check', async () => {
    const { scheduler, enqueue, record, loseRecord } = setUp('0 3 * * *', 'Asia/Shanghai', 'none');
    const now = new Date('2026-12-06T08:00:00Z');
    enqueue.mockRejectedValueOnce(new Error('Connection is closed.'));
    await expect(scheduler.repairIfLost(now)).rejects.toThrow('Connection is closed.');
    expect(record.recordLoss).toHaveBeenCalledWith(now, LOSS_CLAIM_MS);
    expect(record.lossRepairEnqueued).not.toHaveBeenCalled();

    loseRecord(); // LOSS_CLAIM_MS later
    const later = new Date(now.getTime() + LOSS_CLAIM_MS);
    await expect(scheduler.repairIfLost(later)).resolves.toBe(
      `repair-counters_lost_${later.getTime()}`,
    );
    expect(record.lossRepairEnqueued).toHaveBeenCalledWith(later);
  });

  it('checks every minute that the record is there, and repairs once it is gone', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-06T08:00:00Z') });
    const { scheduler, jobs, enqueue, record, loseRecord } = setUp();
    try {
      scheduler.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(LOSS_CHECK_INTERVAL_MS);
      expect(record.present).toHaveBeenCalledTimes(1);
      expect(enqueue).not.toHaveBeenCalled();

      loseRecord();
      await jest.advanceTimersByTimeAsync(LOSS_CHECK_INTERVAL_MS);
      expect(record.present).toHaveBeenCalledTimes(2);
      const lostAt = Date.parse('2026-12-06T08:02:00Z');
      expect(enqueue).toHaveBeenCalledWith(
        JobName.RepairCounters,
        expect.objectContaining({ scheduledFor: '202612060802' }),
        expect.objectContaining({ jobId: `repair-counters_lost_${lostAt}` }),
      );

      await jest.advanceTimersByTimeAsync(LOSS_CHECK_INTERVAL_MS);
      expect(enqueue).toHaveBeenCalledTimes(1);
      // Stopped with the cron, before the application's Redis clients close.
      await scheduler.beforeApplicationShutdown();
      await jest.advanceTimersByTimeAsync(5 * LOSS_CHECK_INTERVAL_MS);
      expect(record.present).toHaveBeenCalledTimes(3);
    } finally {
      for (const job of jobs) void job.stop();
      jest.useRealTimers();
    }
  });
});
