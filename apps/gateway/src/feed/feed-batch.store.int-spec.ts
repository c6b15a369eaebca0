import { CacheKeys, createRedisClient } from '@app/cache';
import { algorithmFor } from '@app/contracts';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { FEED_HISTORY_SIZE, FeedBatchStore, type QueuedBatch } from './feed-batch.store';
import type { FeedViewer } from './feed-viewer';

const batch = (...ids: string[]): QueuedBatch => ({
  ids,
  exposure: `exposure of ${ids.join(',')}`,
});

describe('FeedBatchStore (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let store: FeedBatchStore;
  let viewerNumber = 0;
  const newViewer = () => ({ kind: 'device' as const, id: `device-${(viewerNumber += 1)}` });
  const next = (viewer: FeedViewer, channelId: number, stamp: number, coldStart = true) =>
    store.next(viewer, channelId, stamp, coldStart);

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    store = new FeedBatchStore(redis);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('deals queued batches to newer stamps, each with the stamp + 1 as its cursor (the next page is fresh again), then runs dry', async () => {
    const viewer = newViewer();
    expect(await next(viewer, 3, 100)).toMatchObject({ kind: 'empty', coldIds: [] });
    expect(await store.queueAndNext(viewer, 3, 100, [batch('1', '2'), batch('3')])).toEqual({
      kind: 'fresh',
      batch: batch('1', '2'),
      cursor: 101,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
    expect(await next(viewer, 3, 200)).toEqual({
      kind: 'fresh',
      batch: batch('3'),
      cursor: 201,
      continued: false,
      lastQueued: true,
      coldIds: [],
    });
    expect(await next(viewer, 3, 300)).toMatchObject({ kind: 'empty', coldIds: [] });
    // A run queued without dealing (drawn ahead) is dealt to the next newer stamp.
    await store.queue(viewer, 3, [batch('4'), batch('5')], []);
    expect(await next(viewer, 3, 400)).toEqual({
      kind: 'fresh',
      batch: batch('4'),
      cursor: 401,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
  });

  it('names the ids of the batches served and of those still queued, and none for a viewer new to the channel', async () => {
    const viewer = newViewer();
    expect(await store.dealtIds(viewer, 4)).toEqual(new Set());
    await store.queueAndNext(viewer, 4, 100, [batch('1', '2'), batch('3')]);
    await store.queue(viewer, 4, [batch('4')], []);
    expect(await store.dealtIds(viewer, 4)).toEqual(new Set(['1', '2', '3', '4']));
    expect(await store.dealtIds(viewer, 5)).toEqual(new Set());
  });

  it('replays the batch at or before an older stamp with the next older stamp, and a retried stamp as it was dealt', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2'), batch('3')]);
    await next(viewer, 0, 2_000);
    await next(viewer, 0, 3_000);
    expect(await next(viewer, 0, 3_000)).toEqual({
      kind: 'replay',
      batch: batch('3'),
      cursor: 3_001,
      continued: false,
      older: false,
    });
    expect(await next(viewer, 0, 2_000)).toEqual({
      kind: 'replay',
      batch: batch('2'),
      cursor: 1_000,
      continued: false,
      older: true,
    });
    expect(await next(viewer, 0, 2_500)).toEqual({
      kind: 'replay',
      batch: batch('2'),
      cursor: 1_000,
      continued: false,
      older: true,
    });
    expect(await next(viewer, 0, 1_000)).toEqual({
      kind: 'replay',
      batch: batch('1'),
      cursor: 0,
      continued: false,
      older: true,
    });
    // Older than every batch served: no stamp of this viewer's (a fallback page's time cursor).
    expect(await next(viewer, 0, 999)).toEqual({ kind: 'beforeHistory' });
  });

  it('deals a fresh batch to the cursor of a batch served, older than the newest stamp too (kept over a refresh), flagged as going on, and that batch again to it', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2'), batch('3'), batch('4')]);
    expect(await next(viewer, 0, 1_001)).toEqual({
      kind: 'fresh',
      batch: batch('2'),
      cursor: 1_002,
      continued: true,
      lastQueued: false,
      coldIds: [],
    });
    // A refresh (a clock's stamp), then the cursor from before it: the next batch, not a replay.
    expect(await next(viewer, 0, 5_000)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
      cursor: 5_001,
      continued: false,
    });
    expect(await next(viewer, 0, 1_002)).toEqual({
      kind: 'fresh',
      batch: batch('4'),
      cursor: 1_003,
      continued: true,
      lastQueued: true,
      coldIds: [],
    });
    // Asked for again (a retried request), such a stamp answers what it was dealt.
    expect(await next(viewer, 0, 1_002)).toEqual({
      kind: 'replay',
      batch: batch('4'),
      cursor: 1_003,
      continued: true,
      older: false,
    });
    // Another older stamp still replays the batch at or before it.
    expect(await next(viewer, 0, 4_000)).toEqual({
      kind: 'replay',
      batch: batch('4'),
      cursor: 1_001,
      continued: false,
      older: true,
    });
    // Run dry, such a stamp still goes on: whatever answers it must not be led by the pins.
    expect(await next(viewer, 0, 1_003)).toMatchObject({ kind: 'empty', continued: true });
    expect(await next(viewer, 0, 6_000)).toMatchObject({ kind: 'empty', continued: false });
  });

  it('moves queued ids from the end of the queue into a batch served, which its replays then answer, and says when the queue ran dry', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [
      batch('1', '2', '3'),
      batch('4', '5'),
      batch('6', '7', '8'),
    ]);
    expect(await store.topUp(viewer, 0, 1_000, 2)).toEqual({
      ids: ['7', '8'],
      lastQueued: false,
      coldIds: [],
    });
    // A retried request answers the batch as filled.
    expect(await next(viewer, 0, 1_000)).toMatchObject({
      kind: 'replay',
      batch: { ids: ['1', '2', '3', '7', '8'] },
    });
    // The batch dealt next is whole; what was left of the one cut comes last, its exposure for the dealer to make.
    expect(await next(viewer, 0, 1_001)).toMatchObject({ kind: 'fresh', batch: batch('4', '5') });
    expect(await store.topUp(viewer, 0, 1_001, 3)).toEqual({
      ids: ['6'],
      lastQueued: true,
      coldIds: [],
    });
    expect(await store.topUp(viewer, 0, 1_001, 3)).toEqual({
      ids: [],
      lastQueued: false,
      coldIds: [],
    });
    expect(await store.dealtIds(viewer, 0)).toEqual(
      new Set(['1', '2', '3', '4', '5', '6', '7', '8']),
    );
    // No batch served under that stamp: nothing moved.
    await store.queue(viewer, 0, [batch('9')], []);
    expect((await store.topUp(viewer, 0, 999, 1)).ids).toEqual([]);
    expect(await next(viewer, 0, 1_002)).toMatchObject({ kind: 'fresh', batch: batch('9') });
  });

  it('keeps the TTL on the queue a batch cut from it was left in alone', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1', '2'), batch('3', '4', '5')]);
    expect((await store.topUp(viewer, 0, 1_000, 1)).ids).toEqual(['5']);
    const queue = `feed:${viewer.kind}:${viewer.id}:0:queue`;
    const queued = await redis.lrange(queue, 0, -1);
    expect(queued.map((json) => JSON.parse(json) as unknown)).toEqual([
      { ids: ['3', '4'], exposure: '' },
    ]);
    expect(await redis.ttl(queue)).toBeGreaterThan(0);
  });

  it('tells the time cursors of the fallback pages served to the viewer, dealt fresh or replayed', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 6, 1_000, [batch('1'), batch('2'), batch('3')]);
    await next(viewer, 6, 3_000);
    await store.markTimeCursor(viewer, 6, 2_000);
    await store.markTimeCursor(viewer, 6, 4_000);
    expect(await next(viewer, 6, 2_000)).toMatchObject({
      kind: 'replay',
      batch: { ids: ['1'] },
      older: true,
      timeCursor: true,
    });
    expect(await next(viewer, 6, 4_000)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
      timeCursor: true,
    });
    expect(await next(viewer, 6, 1_500)).not.toHaveProperty('timeCursor');
    expect(await next(viewer, 6, 5_000)).not.toHaveProperty('timeCursor');
    const cursors = `feed:${viewer.kind}:${viewer.id}:6:fallback`;
    expect(await redis.ttl(cursors)).toBeGreaterThan(0);
    for (let cursor = 1; cursor <= FEED_HISTORY_SIZE; cursor += 1)
      await store.markTimeCursor(viewer, 6, 10_000 + cursor);
    expect(await redis.zcard(cursors)).toBe(FEED_HISTORY_SIZE);
  });

  it("deals the fresh batch of a fallback page's time cursor without what the fallback pages showed, and replays it so", async () => {
    const viewer = newViewer();
    await store.markTimeCursor(viewer, 7, 2_000, ['5', '6', '7', '11', '20']);
    await store.queue(
      viewer,
      7,
      [batch('5', '8', '6', '9'), batch('7', '10'), batch('12', '11')],
      [],
    );
    expect(await next(viewer, 7, 2_000)).toMatchObject({
      kind: 'fresh',
      // Filled from the batches after it; its exposure goes, for the dealer to make one naming its ids.
      batch: { ids: ['8', '9', '10', '12'], exposure: '' },
      timeCursor: true,
    });
    expect(await next(viewer, 7, 2_000)).toMatchObject({
      kind: 'replay',
      batch: { ids: ['8', '9', '10', '12'] },
      timeCursor: true,
    });
    // Nothing of the queue is left.
    expect(await next(viewer, 7, 3_000)).toMatchObject({ kind: 'empty' });
    expect(await redis.ttl(`feed:${viewer.kind}:${viewer.id}:7:fallback-shown`)).toBeGreaterThan(0);
  });

  it('leaves what the fallback pages showed out of every batch dealt after them, of the run queued and of the next, fills the batch they trimmed from those after it and keeps each so for its replays', async () => {
    const viewer = newViewer();
    await store.markTimeCursor(viewer, 8, 2_000, ['5', '6', '7', '13', '14', '15']);
    await store.queue(
      viewer,
      8,
      [batch('5', '8'), batch('6', '7'), batch('9', '13'), batch('11')],
      [],
    );
    expect(await next(viewer, 8, 2_000)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['8', '9'] },
    });
    // What was left of the queue moved up into its batches.
    expect(await next(viewer, 8, 2_001)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['11'], exposure: '' },
      cursor: 2_002,
      continued: true,
      lastQueued: true,
    });
    expect(await next(viewer, 8, 2_001)).toMatchObject({ kind: 'replay', batch: { ids: ['11'] } });
    // A top-up takes none of them either.
    await store.queue(viewer, 8, [batch('12', '14')], []);
    expect(await store.topUp(viewer, 8, 2_001, 1)).toMatchObject({ ids: ['12'] });
    // The next run drawn too.
    await store.queue(viewer, 8, [batch('15', '10')], []);
    expect(await next(viewer, 8, 5_000)).toMatchObject({ kind: 'fresh', batch: { ids: ['10'] } });
    expect(await next(viewer, 8, 5_000)).toMatchObject({ kind: 'replay', batch: { ids: ['10'] } });
  });

  it('fills a batch trimmed of what the fallback pages showed with the ids queued after it, where its page came short, and deals the rest in batches as long as those queued', async () => {
    const viewer = newViewer();
    await store.markTimeCursor(viewer, 13, 500, ['1', '5', '9']);
    const queued = [batch('1', '2', '3'), batch('4', '5', '6'), batch('7', '8', '9'), batch('10')];
    await store.queue(viewer, 13, queued, []);
    expect(await next(viewer, 13, 1_000)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['2', '3', '4'], exposure: '' },
      lastQueued: false,
    });
    expect(await next(viewer, 13, 1_000)).toMatchObject({
      kind: 'replay',
      batch: { ids: ['2', '3', '4'] },
    });
    expect(await next(viewer, 13, 2_000)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['6', '7', '8'] },
      lastQueued: false,
    });
    expect(await next(viewer, 13, 3_000)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['10'] },
      lastQueued: true,
    });
    // Each was left out once.
    expect(await redis.exists(`feed:device:${viewer.id}:13:fallback-shown`)).toBe(0);
  });

  it('answers empty, for the dealer to draw a run, when what the fallback pages showed leaves nothing of the queue, where it dealt an empty batch and the page was a fallback page', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 11, 1_000, [batch('1')]);
    await store.markTimeCursor(viewer, 11, 500, ['2', '3', '4', '6']);
    await store.queue(viewer, 11, [batch('2', '3'), batch('4')], []);
    const empty = { kind: 'empty', coldIds: [], isNew: false, continued: false };
    expect(await next(viewer, 11, 2_000)).toEqual(empty);
    // Nothing is kept under the stamp: the run drawn then is dealt to it, not an empty replay.
    expect(await next(viewer, 11, 2_000)).toEqual(empty);
    expect(await store.queueAndNext(viewer, 11, 2_000, [batch('5')])).toMatchObject({
      kind: 'fresh',
      batch: batch('5'),
      cursor: 2_001,
    });
    // A run of nothing else answers empty too: the dealer draws again.
    expect(await store.queueAndNext(viewer, 11, 3_000, [batch('6')])).toEqual(empty);
    expect(await redis.exists(`feed:device:${viewer.id}:11:queue`)).toBe(0);
  });

  it('leaves each article the fallback pages showed out of one batch: the recommend service counts it as shown when it draws it, so a run that holds it again (the reader was shown the pool and starts over) deals it', async () => {
    const viewer = newViewer();
    await store.markTimeCursor(viewer, 10, 2_000, ['1', '2', '3']);
    await store.queue(viewer, 10, [batch('1', '4'), batch('2')], []);
    expect(await next(viewer, 10, 3_000)).toMatchObject({ kind: 'fresh', batch: { ids: ['4'] } });
    expect(await store.topUp(viewer, 10, 3_000, 1)).toMatchObject({ ids: [] });
    // The recommend service starts the reader over on the pool.
    await store.queue(viewer, 10, [batch('1', '2'), batch('3', '5')], []);
    expect(await next(viewer, 10, 4_000)).toMatchObject({ kind: 'fresh', batch: batch('1', '2') });
    // One not left out yet still is.
    expect(await next(viewer, 10, 5_000)).toMatchObject({ kind: 'fresh', batch: { ids: ['5'] } });
  });

  it('keeps viewers and channels apart, and equal batches under different stamps', async () => {
    const viewer = newViewer();
    const other = newViewer();
    await store.queueAndNext(viewer, 1, 10, [batch('7'), batch('7')]);
    expect(await next(other, 1, 20)).toMatchObject({ kind: 'empty', coldIds: [] });
    expect(await next(viewer, 2, 20)).toMatchObject({ kind: 'empty', coldIds: [] });
    expect(await next(viewer, 1, 20)).toEqual({
      kind: 'fresh',
      batch: batch('7'),
      cursor: 21,
      continued: false,
      lastQueued: true,
      coldIds: [],
    });
    expect(await next(viewer, 1, 10)).toEqual({
      kind: 'replay',
      batch: batch('7'),
      cursor: 0,
      continued: false,
      older: true,
    });
  });

  it(`keeps the newest ${FEED_HISTORY_SIZE} batches served, under a TTL`, async () => {
    const viewer = newViewer();
    const run = Array.from({ length: FEED_HISTORY_SIZE + 5 }, (_, index) =>
      batch(String(index + 1)),
    );
    await store.queueAndNext(viewer, 4, 1, run);
    for (let stamp = 2; stamp <= run.length; stamp += 1) await next(viewer, 4, stamp);
    const history = `feed:device:${viewer.id}:4:history`;
    expect(await redis.zcard(history)).toBe(FEED_HISTORY_SIZE);
    expect(await redis.ttl(history)).toBeGreaterThan(0);
    expect(await redis.ttl(`feed:device:${viewer.id}:4:first`)).toBeGreaterThan(0);
    expect(await next(viewer, 4, run.length)).toMatchObject({
      batch: { ids: [String(run.length)] },
    });
    // The cursor of a batch trimmed since still goes on; the first batch's own stamp or an older
    // one is none of the viewer's.
    expect(await next(viewer, 4, 5)).toMatchObject({ kind: 'empty', continued: true });
    expect(await next(viewer, 4, 1)).toEqual({ kind: 'beforeHistory' });
  });

  it(`deals a fresh batch, flagged as going on, to the cursor kept over ${FEED_HISTORY_SIZE} refreshes since`, async () => {
    const viewer = newViewer();
    const refreshes = Array.from({ length: FEED_HISTORY_SIZE }, (_, index) =>
      batch(String(index + 2)),
    );
    await store.queueAndNext(viewer, 4, 1_000, [
      batch('1'),
      ...refreshes,
      batch('next'),
      batch('after'),
    ]);
    for (let index = 1; index <= FEED_HISTORY_SIZE; index += 1)
      await next(viewer, 4, 5_000 + index);
    expect(await next(viewer, 4, 1_001)).toEqual({
      kind: 'fresh',
      batch: batch('next'),
      cursor: 1_002,
      continued: true,
      lastQueued: false,
      coldIds: [],
    });
    // Asked for again (a retried scroll), it answers as it was dealt, where it was trimmed at once.
    expect(await next(viewer, 4, 1_001)).toMatchObject({
      kind: 'replay',
      batch: batch('next'),
      cursor: 1_002,
      continued: true,
    });
    expect(await next(viewer, 4, 1_002)).toMatchObject({
      kind: 'fresh',
      batch: batch('after'),
      continued: true,
    });
    expect(await next(viewer, 4, 1_002)).toMatchObject({
      kind: 'replay',
      batch: batch('after'),
      cursor: 1_003,
      continued: true,
    });
    expect(await redis.zcard(`feed:device:${viewer.id}:4:history`)).toBe(FEED_HISTORY_SIZE);
    expect(await next(viewer, 4, 999)).toEqual({ kind: 'beforeHistory' });
  });

  it('replays a batch dealt to a scroll cursor as going on once the batch before it is trimmed', async () => {
    const viewer = newViewer();
    const refreshes = Array.from({ length: FEED_HISTORY_SIZE - 1 }, (_, index) =>
      batch(String(index + 2)),
    );
    await store.queueAndNext(viewer, 7, 1_000, [batch('1'), ...refreshes, batch('scrolled')]);
    for (let index = 1; index < FEED_HISTORY_SIZE; index += 1) await next(viewer, 7, 5_000 + index);
    expect(await next(viewer, 7, 1_001)).toMatchObject({ kind: 'fresh', continued: true });
    expect(await next(viewer, 7, 1_001)).toMatchObject({
      kind: 'replay',
      batch: batch('scrolled'),
      cursor: 1_002,
      continued: true,
    });
  });

  describe('cold start', () => {
    const coldBatch = (...ids: string[]): QueuedBatch => ({ ids, exposure: '' });
    const publish = async (channelId: number, deviceId: string, runs: string[][]) => {
      const algorithm = algorithmFor(deviceId);
      await testRedis
        .client('cache')
        .multi()
        .rpush(
          `${testRedis.prefix}${CacheKeys.feedColdStart(channelId, algorithm)}`,
          ...runs.map((ids) => JSON.stringify({ ids })),
        )
        .set(
          `${testRedis.prefix}${CacheKeys.feedColdStartIds(channelId, algorithm)}`,
          runs.flat().join(','),
        )
        .exec();
    };

    it('deals a new device the published run, then tells its ids until a refill says otherwise', async () => {
      const viewer = newViewer();
      await publish(9, viewer.id, [['11', '12'], ['13'], ['14']]);
      const fresh = (ids: QueuedBatch, cursor: number) => ({
        kind: 'fresh',
        batch: ids,
        cursor,
        continued: false,
        lastQueued: false,
        coldIds: [],
      });
      expect(await next(viewer, 9, 100)).toEqual(fresh(coldBatch('11', '12'), 101));
      // The copies are the device's own: they expire with its history, not with the published run.
      for (const key of ['queue', 'cold'])
        expect(await redis.ttl(`feed:device:${viewer.id}:9:${key}`)).toBeGreaterThan(0);
      expect(await next(viewer, 9, 200)).toEqual(fresh(coldBatch('13'), 201));
      expect(await next(viewer, 9, 150)).toEqual({
        kind: 'replay',
        batch: coldBatch('11', '12'),
        cursor: 0,
        continued: false,
        older: true,
      });
      // The last batch of the run says so, with the ids the next run is to leave out.
      expect(await next(viewer, 9, 300)).toEqual({
        ...fresh(coldBatch('14'), 301),
        lastQueued: true,
        coldIds: ['11', '12', '13', '14'],
      });
      expect(await next(viewer, 9, 400)).toMatchObject({
        kind: 'empty',
        coldIds: ['11', '12', '13', '14'],
      });

      // The refill drew all but 14: only 14 is still to leave out; then nothing is.
      expect(await store.queueAndNext(viewer, 9, 400, [batch('21')], ['14'])).toEqual({
        ...fresh(batch('21'), 401),
        lastQueued: true,
        coldIds: ['14'],
      });
      expect(await next(viewer, 9, 500)).toMatchObject({ kind: 'empty', coldIds: ['14'] });
      await store.queue(viewer, 9, [batch('22')], []);
      expect(await next(viewer, 9, 500)).toEqual({ ...fresh(batch('22'), 501), lastQueued: true });
      expect(await next(viewer, 9, 600)).toMatchObject({ kind: 'empty', coldIds: [] });
      // Nothing of the published run was taken from it.
      expect(
        await testRedis
          .client('cache')
          .llen(`${testRedis.prefix}${CacheKeys.feedColdStart(9, algorithmFor(viewer.id))}`),
      ).toBe(3);
    });

    it('copies the published run once for a device whose fallback pages showed all of it: answered empty, as a viewer no longer new, the ids it left out are not dealt by a copy again', async () => {
      const viewer = newViewer();
      await publish(12, viewer.id, [['41', '42'], ['43']]);
      await store.markTimeCursor(viewer, 12, 500, ['41', '42', '43']);
      const empty = { kind: 'empty', coldIds: ['41', '42', '43'], isNew: false, continued: false };
      expect(await next(viewer, 12, 1_000)).toEqual(empty);
      // Asked again (a retry, another request while the run is drawn): no second copy.
      expect(await next(viewer, 12, 1_000)).toEqual(empty);
      expect(await next(viewer, 12, 1_001)).toEqual(empty);
      expect(await store.queueAndNext(viewer, 12, 1_000, [batch('44')])).toMatchObject({
        kind: 'fresh',
        batch: batch('44'),
        cursor: 1_001,
      });
    });

    it('does not copy the published run again after a refill drew all of its ids and what the fallback pages showed left that run empty too', async () => {
      const viewer = newViewer();
      await publish(14, viewer.id, [['51', '52']]);
      await store.markTimeCursor(viewer, 14, 500, ['51', '52', '53', '54']);
      expect(await next(viewer, 14, 1_000)).toMatchObject({ kind: 'empty', coldIds: ['51', '52'] });
      // The refill drew both cold ids (nothing left to leave out), and the run held only 53 and 54.
      expect(await store.queueAndNext(viewer, 14, 1_000, [batch('53', '54')], [])).toMatchObject({
        kind: 'empty',
      });
      // The next request (the refill's draws spent or failed) gets no copy dealing 51 and 52 again.
      const empty = { kind: 'empty', coldIds: [], isNew: false, continued: false };
      expect(await next(viewer, 14, 2_000)).toEqual(empty);
      expect(await store.queueAndNext(viewer, 14, 2_000, [batch('55')])).toMatchObject({
        kind: 'fresh',
        batch: batch('55'),
      });
    });

    it('reads the ids from the batches of a run published without them', async () => {
      const viewer = newViewer();
      await testRedis
        .client('cache')
        .rpush(
          `${testRedis.prefix}${CacheKeys.feedColdStart(6, algorithmFor(viewer.id))}`,
          JSON.stringify({ ids: ['51', '52'] }),
          JSON.stringify({ ids: ['53'] }),
        );
      expect(await next(viewer, 6, 100)).toEqual({
        kind: 'fresh',
        batch: coldBatch('51', '52'),
        cursor: 101,
        continued: false,
        lastQueued: false,
        coldIds: [],
      });
      expect(await next(viewer, 6, 200)).toMatchObject({
        kind: 'fresh',
        batch: coldBatch('53'),
        cursor: 201,
        lastQueued: true,
      });
      expect(await next(viewer, 6, 300)).toMatchObject({
        kind: 'empty',
        coldIds: ['51', '52', '53'],
      });
    });

    it('starts cold only viewers new to the channel when asked to, and only when a run is published', async () => {
      const viewer = newViewer();
      await publish(8, viewer.id, [['31']]);
      await store.queueAndNext(viewer, 8, 10, [batch('1')]);
      expect(await next(viewer, 8, 20)).toEqual({
        kind: 'empty',
        coldIds: [],
        isNew: false,
        continued: false,
      });

      const user = { kind: 'user' as const, id: '1294287382374383616' };
      await publish(8, user.id, [['31']]);
      expect(await next(user, 8, 20, false)).toEqual({
        kind: 'empty',
        coldIds: [],
        isNew: true,
        continued: false,
      });
      expect(await next(user, 8, 30, true)).toMatchObject({
        kind: 'fresh',
        batch: coldBatch('31'),
        cursor: 31,
      });

      expect(await next(newViewer(), 7, 20)).toEqual({
        kind: 'empty',
        coldIds: [],
        isNew: true,
        continued: false,
      });
    });
  });
});
