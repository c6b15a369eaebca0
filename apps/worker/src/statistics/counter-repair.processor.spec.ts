import type { LockLease, RedisLock } from '@app/cache';
import type { counterRepairV1 } from '@app/contracts';
import { JobName } from '@app/queue';
import { UnrecoverableError } from 'bullmq';
import { map, type Observable, of, tap, throwError, timer } from 'rxjs';

import { CounterRepairProcessor } from './counter-repair.processor';

type Repair = jest.Mock<
  Observable<counterRepairV1.RepairCountersResponse>,
  [counterRepairV1.RepairCountersRequest]
>;
type Acquire = jest.Mock<Promise<LockLease | undefined>, Parameters<RedisLock['acquire']>>;

const DEADLINE_MS = 600_000;

function setUp(news: Repair, user: Repair, lease: LockLease | undefined) {
  const repaired = jest.fn<Promise<boolean>, [Date]>().mockResolvedValue(true);
  const acquire: Acquire = jest
    .fn<Promise<LockLease | undefined>, Parameters<RedisLock['acquire']>>()
    .mockResolvedValue(lease);
  const processor = new CounterRepairProcessor(
    { repairCounters: news },
    { repairCounters: user },
    { acquire },
    { COUNTER_REPAIR_DEADLINE_MS: DEADLINE_MS },
    { repaired },
  );
  return { processor, acquire, repaired };
}

const repairMock = (): Repair =>
  jest.fn<
    Observable<counterRepairV1.RepairCountersResponse>,
    [counterRepairV1.RepairCountersRequest]
  >();

function leaseMock(): LockLease & { release: jest.Mock<Promise<void>, []> } {
  return {
    name: JobName.RepairCounters,
    release: jest.fn<Promise<void>, []>().mockResolvedValue(undefined),
    extend: jest.fn<Promise<boolean>, [number]>().mockResolvedValue(true),
  };
}

const job = (data: unknown, name: string = JobName.RepairCounters, attemptsMade = 0) => ({
  id: 'repair-counters_202612041900',
  name,
  data,
  attemptsMade,
});
const PAYLOAD = { scheduledFor: '202612041900' };

describe('CounterRepairProcessor', () => {
  it('has news and user rebuild their counters under the lock, reports them all, and lets the lock go', async () => {
    const news = repairMock().mockReturnValue(
      of({ counters: [{ key: 'count:art:liking', members: 3 }] }),
    );
    const user = repairMock().mockReturnValue(
      of({ counters: [{ key: 'count:user:followers', members: 2 }] }),
    );
    const lease = leaseMock();
    const { processor, acquire, repaired } = setUp(news, user, lease);
    const before = Date.now();

    await expect(processor.process(job(PAYLOAD))).resolves.toEqual({
      repaired: [
        { key: 'count:art:liking', members: 3 },
        { key: 'count:user:followers', members: 2 },
      ],
    });
    expect(news).toHaveBeenCalledWith({});
    expect(user).toHaveBeenCalledWith({});
    // The lock outlives the calls' deadline, and is held in the job's name.
    expect(acquire).toHaveBeenCalledWith(
      JobName.RepairCounters,
      DEADLINE_MS + 60_000,
      'repair-counters_202612041900',
    );
    expect(lease.release).toHaveBeenCalledTimes(1);
    // Recorded as begun before the calls, so a worker's next start knows no run was missed.
    expect(repaired).toHaveBeenCalledTimes(1);
    expect(repaired.mock.calls[0][0].getTime()).toBeGreaterThanOrEqual(before);
  });

  it('skips the run while another repair holds the lock, recording nothing', async () => {
    const news = repairMock();
    const user = repairMock();
    const { processor, repaired } = setUp(news, user, undefined);
    await expect(processor.process(job(PAYLOAD))).resolves.toEqual({ skipped: 'already running' });
    expect(repaired).not.toHaveBeenCalled();
    expect(news).not.toHaveBeenCalled();
    expect(user).not.toHaveBeenCalled();
  });

  it('fails (so BullMQ retries the whole repair) when a service cannot be reached, and still lets the lock go', async () => {
    const news = repairMock().mockReturnValue(of({ counters: [] }));
    const user = repairMock().mockReturnValue(throwError(() => new Error('14 UNAVAILABLE')));
    const lease = leaseMock();
    const { processor, repaired } = setUp(news, user, lease);
    const error = await processor.process(job(PAYLOAD)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(lease.release).toHaveBeenCalledTimes(1);
    expect(repaired).not.toHaveBeenCalled();
  });

  it('keeps the lock until the other service has finished too when one fails, so a retry never overlaps a rebuild', async () => {
    const events: string[] = [];
    const news = repairMock().mockReturnValue(throwError(() => new Error('14 UNAVAILABLE')));
    const user = repairMock().mockReturnValue(
      timer(30).pipe(
        map(() => ({ counters: [] })),
        tap(() => events.push('user finished')),
      ),
    );
    const lease = leaseMock();
    lease.release.mockImplementation(() => {
      events.push('lock released');
      return Promise.resolve();
    });
    await expect(setUp(news, user, lease).processor.process(job(PAYLOAD))).rejects.toThrow(
      '14 UNAVAILABLE',
    );
    expect(events).toEqual(['user finished', 'lock released']);
  });

  it.each([
    ['no payload', null],
    ['a minute that is a number', { scheduledFor: 202612041900 }],
    ['a date instead of a minute', { scheduledFor: '2026-12-04' }],
    ['an end of retries that is no time', { scheduledFor: '202612041900', retryUntil: 'tomorrow' }],
    [
      'an end of retries that is a number',
      { scheduledFor: '202612041900', retryUntil: 1_765_000_000_000 },
    ],
  ])('gives up at once on %s, without taking the lock', async (_case, data) => {
    const { processor, acquire } = setUp(repairMock(), repairMock(), leaseMock());
    await expect(processor.process(job(data))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(acquire).not.toHaveBeenCalled();
  });

  it('fails for good a retry that starts after its retries ended, without taking the lock or calling news or user', async () => {
    const news = repairMock().mockReturnValue(of({ counters: [] }));
    const user = repairMock().mockReturnValue(of({ counters: [] }));
    const { processor, acquire } = setUp(news, user, leaseMock());
    const retryUntil = new Date(Date.now() - 1_000).toISOString();
    const error = await processor
      .process(job({ ...PAYLOAD, retryUntil }, JobName.RepairCounters, 7))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(
      `counter repair repair-counters_202612041900 gives up on attempt 8: its retries ended at ${retryUntil}, shortly before the next scheduled repair, which takes over`,
    );
    expect(acquire).not.toHaveBeenCalled();
    expect(news).not.toHaveBeenCalled();
    expect(user).not.toHaveBeenCalled();
  });

  it.each([
    ['a retry before its retries end', new Date(Date.now() + 60_000).toISOString(), 7],
    [
      'the first attempt, even after its retries would have ended',
      new Date(Date.now() - 1_000).toISOString(),
      0,
    ],
    [
      'a retry of a repair with no end to its retries (by hand, or enqueued before they had one)',
      undefined,
      7,
    ],
  ])('repairs on %s', async (_case, retryUntil, attemptsMade) => {
    const news = repairMock().mockReturnValue(of({ counters: [] }));
    const user = repairMock().mockReturnValue(of({ counters: [] }));
    const { processor } = setUp(news, user, leaseMock());
    await expect(
      processor.process(job({ ...PAYLOAD, retryUntil }, JobName.RepairCounters, attemptsMade)),
    ).resolves.toEqual({ repaired: [] });
    expect(news).toHaveBeenCalledTimes(1);
    expect(user).toHaveBeenCalledTimes(1);
  });

  it('refuses jobs of another name', async () => {
    const { processor } = setUp(repairMock(), repairMock(), leaseMock());
    await expect(processor.process(job(PAYLOAD, JobName.IndexArticle))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });
});
