import { createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
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
    const [first, second] = [new Date('2026-12-06T08:00:00.250Z'), new Date('2026-12-06T08:00:03Z')];
    expect(await Promise.all([record.recordLoss(first), record.recordLoss(second)])).toEqual([first, first]);
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
});
