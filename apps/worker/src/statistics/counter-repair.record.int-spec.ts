import { createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CounterRepairRecord } from './counter-repair.record';

describe('CounterRepairRecord (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let record: CounterRepairRecord;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    record = new CounterRepairRecord(redis);
  });

  afterAll(async () => {
    await redis?.quit();
    await testRedis?.cleanup();
  });

  it('records a loss once: every replica gets the first one’s time', async () => {
    expect([await record.present(), await record.lastRepair()]).toEqual([false, undefined]);
    const [first, second] = [
      new Date('2026-12-06T08:00:00.250Z'),
      new Date('2026-12-06T08:00:03Z'),
    ];
    expect(
      await Promise.all([record.recordLoss(first, 60_000), record.recordLoss(second, 60_000)]),
    ).toEqual([first, first]);
    expect([await record.present(), await record.lastRepair()]).toEqual([true, first]);
  });

  it('records a repair over the record, but not once the state Redis lost it: the loss check then repairs again', async () => {
    const began = new Date('2026-12-06T08:00:01Z');
    expect(await record.repaired(began)).toBe(true);
    expect(await record.lastRepair()).toEqual(began);

    await redis.del(StateKeys.counterRepairedAt);
    expect(await record.repaired(new Date('2026-12-06T08:05:00Z'))).toBe(false);
    expect(await record.present()).toBe(false);
  });

  it('keeps a loss only once its repair is enqueued: one whose replica died before that lapses, so the next check finds it', async () => {
    await redis.del(StateKeys.counterRepairedAt);
    const died = new Date('2026-12-06T09:00:00Z');
    expect(await record.recordLoss(died, 100)).toEqual(died);
    // No replica enqueued its repair: the record goes, and another replica's check repairs.
    await eventually(
      () => record.present(),
      (present) => !present,
      'the unclaimed loss lapsing',
      5_000,
      50,
    );

    const enqueued = new Date('2026-12-06T09:01:00Z');
    expect(await record.recordLoss(enqueued, 60_000)).toEqual(enqueued);
    await record.lossRepairEnqueued(enqueued);
    expect(await redis.pttl(StateKeys.counterRepairedAt)).toBe(-1);
  });

  it('leaves a repair, or a later loss, recorded over the loss as it is', async () => {
    await redis.del(StateKeys.counterRepairedAt);
    const [lost, later] = [new Date('2026-12-06T10:00:00Z'), new Date('2026-12-06T10:02:00Z')];
    await record.recordLoss(later, 60_000);
    await record.lossRepairEnqueued(lost);
    expect([
      await record.lastRepair(),
      (await redis.pttl(StateKeys.counterRepairedAt)) > 0,
    ]).toEqual([later, true]);
  });
});
