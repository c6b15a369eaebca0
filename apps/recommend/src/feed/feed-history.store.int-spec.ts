import { createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { RecoKeys } from '../candidates/reco-keys';
import { planBatch, type StoredBatch } from './batch-plan.util';
import { exposurePrint, packPrints } from './exposure-prints';
import { FeedHistoryStore } from './feed-history.store';

describe('FeedHistoryStore (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let store: FeedHistoryStore;
  const READER = 'anon:history';
  const CHANNEL = 4;
  const idsOf = (stamp: number) => [`${stamp}1`, `${stamp}2`];
  /** Records a batch over the reader's history as it is now, as one request alone does. */
  const recordNext = async (
    on: FeedHistoryStore,
    reader: string,
    batch: StoredBatch,
    restart = false,
    poolSize = 0,
  ) => {
    const { newest } = await on.read(reader, CHANNEL, batch.stamp);
    expect(await on.record(reader, CHANNEL, batch, { restart, newest, poolSize })).toBe(true);
  };

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    store = new FeedHistoryStore(state, {
      RECO_BATCH_HISTORY_SIZE: 50,
      RECO_HISTORY_TTL_SECONDS: 600,
      RECO_CANDIDATES_PER_CHANNEL: 2000,
    });
    for (let stamp = 1000; stamp <= 30_000; stamp += 1000)
      await recordNext(store, READER, { stamp, ids: idsOf(stamp) });
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('reads the newest batch and the two at or before the stamp, not the whole history', async () => {
    const { batches, exposed } = await store.read(READER, CHANNEL, 15_500);
    expect(batches.map((batch) => batch.stamp)).toEqual([30_000, 15_000, 14_000]);
    const stamps = Array.from({ length: 30 }, (_, index) => (index + 1) * 1000);
    const printed = (id: string) => ({ id, print: exposurePrint(id) });
    expect(stamps.flatMap(idsOf).filter((id) => !exposed.has(printed(id)))).toEqual([]);
    expect(exposed.has(printed(idsOf(31_000)[0]))).toBe(false);
    expect(planBatch(15_500, batches)).toEqual({
      kind: 'replay',
      ids: idsOf(15_000),
      cursor: 14_000,
    });
  });

  it('gives planBatch what it needs at both ends of the history', async () => {
    const fresh = await store.read(READER, CHANNEL, 40_000);
    expect(fresh.batches.map((batch) => batch.stamp)).toEqual([30_000, 29_000]);
    expect(planBatch(40_000, fresh.batches)).toEqual({ kind: 'fresh', cursor: 30_000 });

    const newest = await store.read(READER, CHANNEL, 30_000);
    expect(planBatch(30_000, newest.batches)).toEqual({
      kind: 'replay',
      ids: idsOf(30_000),
      cursor: 29_000,
    });

    const oldest = await store.read(READER, CHANNEL, 1000);
    expect(planBatch(1000, oldest.batches)).toEqual({
      kind: 'replay',
      ids: idsOf(1000),
      cursor: 0,
    });

    const before = await store.read(READER, CHANNEL, 999);
    expect(before.batches.map((batch) => batch.stamp)).toEqual([30_000]);
    expect(planBatch(999, before.batches)).toEqual({ kind: 'replay', ids: [], cursor: 0 });
  });

  it('keeps the newest prints of twice a pool, and starts over with the batch on a restart', async () => {
    const small = new FeedHistoryStore(state, {
      RECO_BATCH_HISTORY_SIZE: 50,
      RECO_HISTORY_TTL_SECONDS: 600,
      RECO_CANDIDATES_PER_CHANNEL: 10,
    });
    const reader = 'anon:capped';
    const shownKey = RecoKeys.shown(reader, CHANNEL);
    const drawn = Array.from({ length: 15 }, (_, index) => idsOf((index + 1) * 1000));
    for (const [index, ids] of drawn.entries())
      await recordNext(small, reader, { stamp: (index + 1) * 1000, ids });

    expect(await state.getBuffer(shownKey)).toEqual(packPrints(drawn.flat().slice(-20)));
    expect(await state.ttl(shownKey)).toBeGreaterThan(500);
    const { exposed } = await small.read(reader, CHANNEL, 16_000);
    const printed = (id: string) => ({ id, print: exposurePrint(id) });
    expect([
      exposed.has(printed(drawn[14][1])),
      exposed.has(printed(drawn[5][0])),
      exposed.has(printed(drawn[4][1])),
    ]).toEqual([true, true, false]);

    await recordNext(small, reader, { stamp: 16_000, ids: ['42'] }, true);
    expect(await state.getBuffer(shownKey)).toEqual(packPrints(['42']));
  });

  it("keeps twice a larger pool's prints (channel 0 holds every channel's pool)", async () => {
    const small = new FeedHistoryStore(state, {
      RECO_BATCH_HISTORY_SIZE: 50,
      RECO_HISTORY_TTL_SECONDS: 600,
      RECO_CANDIDATES_PER_CHANNEL: 10,
    });
    const reader = 'anon:every-channel';
    const drawn = Array.from({ length: 20 }, (_, index) => idsOf((index + 1) * 1000));
    for (const [index, ids] of drawn.entries())
      await recordNext(small, reader, { stamp: (index + 1) * 1000, ids }, false, 15);
    expect(await state.getBuffer(RecoKeys.shown(reader, CHANNEL))).toEqual(
      packPrints(drawn.flat().slice(-30)),
    );
  });

  it('finds the batch a stamp drew, stored at another, however many came after it, and keeps at most twice the history of such stamps', async () => {
    const kept = new FeedHistoryStore(state, {
      RECO_BATCH_HISTORY_SIZE: 5,
      RECO_HISTORY_TTL_SECONDS: 600,
      RECO_CANDIDATES_PER_CHANNEL: 10,
    });
    const reader = 'anon:asked-ahead';
    // Asked for 100 000 + n, stored at 1000 + n (ahead of the clock), and one at its own stamp.
    for (let n = 1; n <= 12; n += 1)
      await recordNext(kept, reader, { stamp: 1000 + n, ids: idsOf(n), asked: 100_000 + n });
    await recordNext(kept, reader, { stamp: 1013, ids: idsOf(13) });

    const drawnBy = async (asked: number) => (await kept.read(reader, CHANNEL, asked)).drawn;
    expect(await drawnBy(100_009)).toEqual({ ids: idsOf(9), cursor: 0 });
    expect(await drawnBy(100_010)).toEqual({ ids: idsOf(10), cursor: 1009 });
    expect(await drawnBy(100_012)).toEqual({ ids: idsOf(12), cursor: 1011 });
    for (const gone of [100_008, 100_003, 1013]) expect(await drawnBy(gone)).toBeUndefined();
    // The 11th went past twice the 5 batches kept: those of the batches gone then were dropped.
    const askedKey = RecoKeys.askedStamps(reader, CHANNEL);
    expect(Object.keys(await state.hgetall(askedKey))).toEqual([
      '100007',
      '100008',
      '100009',
      '100010',
      '100011',
      '100012',
    ]);
    expect(await state.ttl(askedKey)).toBeGreaterThan(500);
  });

  it('keeps no batch by a stamp of 0 and finds none by it, also one the release before kept so', async () => {
    const reader = 'anon:unset-first';
    await recordNext(store, reader, { stamp: 1, ids: idsOf(1), asked: 0 });
    const askedKey = RecoKeys.askedStamps(reader, CHANNEL);
    expect(await state.exists(askedKey)).toBe(0);
    await state.hset(askedKey, '0', '1');
    await recordNext(store, reader, { stamp: 2000, ids: idsOf(2000) });
    expect((await store.read(reader, CHANNEL, 0)).drawn).toBeUndefined();
  });

  it('records nothing over a history that changed since it was read (another request of the reader recorded first)', async () => {
    const reader = 'anon:at-once';
    const [first, second] = await Promise.all([
      store.read(reader, CHANNEL, 1000),
      store.read(reader, CHANNEL, 2000),
    ]);
    const draw = (newest: string) => ({ restart: false, newest, poolSize: 1 });
    expect(
      await store.record(reader, CHANNEL, { stamp: 1000, ids: ['7'] }, draw(first.newest)),
    ).toBe(true);
    expect(
      await store.record(reader, CHANNEL, { stamp: 2000, ids: ['7'] }, draw(second.newest)),
    ).toBe(false);
    expect(await state.zrange(RecoKeys.batches(reader, CHANNEL), 0, -1)).toEqual(['1000|7']);
    expect(await state.getBuffer(RecoKeys.shown(reader, CHANNEL))).toEqual(packPrints(['7']));
  });
});
