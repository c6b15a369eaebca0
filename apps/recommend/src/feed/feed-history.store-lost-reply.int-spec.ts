import { createRedisClient } from '@app/cache';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { RecoKeys } from '../candidates/reco-keys';
import { planBatch } from './batch-plan.util';
import { packPrints } from './exposure-prints';
import { FeedHistoryStore } from './feed-history.store';

const CHANNEL = 4;

describe('FeedHistoryStore (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let raw: Redis;
  let cutter: ReplyCutter;
  let redis: Redis;
  let store: FeedHistoryStore;

  /** Records a batch over the reader's history as it is now, as one request alone does. */
  const record = async (reader: string, stamp: number, ids: string[]): Promise<boolean> => {
    const { newest } = await store.read(reader, CHANNEL, stamp);
    return store.record(reader, CHANNEL, { stamp, ids }, { restart: false, newest, poolSize: 0 });
  };

  beforeAll(async () => {
    testRedis = createTestRedis();
    raw = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    const state = new URL(testRedis.stateUrl);
    cutter = new ReplyCutter({ host: state.hostname, port: Number(state.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${state.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
    store = new FeedHistoryStore(redis, {
      RECO_BATCH_HISTORY_SIZE: 50,
      RECO_HISTORY_TTL_SECONDS: 600,
      RECO_CANDIDATES_PER_CHANNEL: 2000,
    });
  });

  beforeEach(async () => {
    // Nothing of the client's own left unanswered: the next reply is the script call's.
    await redis.ping();
  });

  afterAll(async () => {
    redis.disconnect();
    await raw.quit();
    await cutter.close();
    await testRedis.cleanup();
  });

  it('says a batch sent again was recorded, where it refused it and the request drew past the batch, its articles counted as shown and never answered', async () => {
    const reader = 'anon:lost-reply';
    expect(await record(reader, 1_000, ['1', '2'])).toBe(true);
    const cut = cutter.cutAfter(1, 0);
    expect(await record(reader, 2_000, ['3', '4'])).toBe(true);
    await cut;

    const { batches } = await store.read(reader, CHANNEL, 3_000);
    expect(planBatch(2_000, batches)).toEqual({ kind: 'replay', ids: ['3', '4'], cursor: 1_000 });
    expect(await raw.zcard(RecoKeys.batches(reader, CHANNEL))).toBe(2);
    expect(await raw.getBuffer(RecoKeys.shown(reader, CHANNEL))).toEqual(
      packPrints(['1', '2', '3', '4']),
    );
  });

  it("records two readers' batches of one pipeline once each when only the first reply came back", async () => {
    const [first, second] = ['anon:lost-reply-1', 'anon:lost-reply-2'];
    const [newestOfFirst, newestOfSecond] = await Promise.all(
      [first, second].map(async (reader) => (await store.read(reader, CHANNEL, 1_000)).newest),
    );
    // Each answer is an integer, one line. ioredis aborts, rather than sends again, the call
    // behind an answered one of its pipeline.
    const cut = cutter.cutAfter(2, 1);
    const recorded = await Promise.all([
      store.record(
        first,
        CHANNEL,
        { stamp: 1_000, ids: ['5'] },
        { restart: false, newest: newestOfFirst, poolSize: 0 },
      ),
      store.record(
        second,
        CHANNEL,
        { stamp: 1_000, ids: ['6'] },
        { restart: false, newest: newestOfSecond, poolSize: 0 },
      ),
    ]);
    await cut;

    expect(recorded).toEqual([true, true]);
    expect(await raw.getBuffer(RecoKeys.shown(second, CHANNEL))).toEqual(packPrints(['6']));
  });
});
