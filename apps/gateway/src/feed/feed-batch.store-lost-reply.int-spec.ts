import { createRedisClient } from '@app/cache';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { FeedBatchStore, type QueuedBatch } from './feed-batch.store';

const batch = (...ids: string[]): QueuedBatch => ({
  ids,
  exposure: `exposure of ${ids.join(',')}`,
});

describe('FeedBatchStore (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let cutter: ReplyCutter;
  let redis: Redis;
  let store: FeedBatchStore;
  let viewerNumber = 0;
  const newViewer = () => ({ kind: 'device' as const, id: `lost-reply-${(viewerNumber += 1)}` });

  beforeAll(async () => {
    testRedis = createTestRedis();
    const cache = new URL(testRedis.cacheUrl);
    cutter = new ReplyCutter({ host: cache.hostname, port: Number(cache.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${cache.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
    store = new FeedBatchStore(redis);
  });

  let afterCase: (() => void) | undefined;
  afterEach(() => {
    afterCase?.();
    afterCase = undefined;
  });

  beforeEach(async () => {
    // Nothing of the client's own left unanswered: the next reply is the script call's.
    await redis.ping();
  });

  afterAll(async () => {
    redis.disconnect();
    await cutter.close();
    await testRedis.cleanup();
  });

  it('answers a top-up sent again with the ids it moved, where it moved as many more that no page showed', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [
      batch('1', '2', '3'),
      batch('4', '5'),
      batch('6', '7', '8'),
    ]);
    const cut = cutter.cutAfter(1, 0);
    expect(await store.topUp(viewer, 0, 1_000, 2)).toEqual({
      ids: ['7', '8'],
      lastQueued: false,
      coldIds: [],
    });
    await cut;

    // The batch served holds the ids the page showed, and the queue the rest, none dealt twice.
    expect(await store.next(viewer, 0, 1_000, true)).toMatchObject({
      kind: 'replay',
      batch: { ids: ['1', '2', '3', '7', '8'] },
    });
    expect(await store.next(viewer, 0, 1_001, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('4', '5'),
    });
    expect(await store.next(viewer, 0, 1_002, true)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['6'] },
      lastQueued: true,
    });
  });

  it('answers two top-ups of one pipeline with their own ids when only the first reply came back', async () => {
    const [first, second] = [newViewer(), newViewer()];
    for (const viewer of [first, second])
      await store.queueAndNext(viewer, 0, 1_000, [batch('1', '2'), batch('3', '4', '5')]);
    // Each answer is three strings, the last empty: 7 lines. ioredis aborts, rather than sends
    // again, the call behind an answered one of its pipeline.
    const cut = cutter.cutAfter(14, 7);
    const taken = await Promise.all([
      store.topUp(first, 0, 1_000, 1),
      store.topUp(second, 0, 1_000, 2),
    ]);
    await cut;

    expect(taken).toEqual([
      { ids: ['5'], lastQueued: false, coldIds: [] },
      { ids: ['4', '5'], lastQueued: false, coldIds: [] },
    ]);
    expect(await store.next(second, 0, 1_001, true)).toMatchObject({
      kind: 'fresh',
      batch: { ids: ['3'] },
    });
  });
  it('queues a run sent again with its first batch dealt once, where the run was queued twice and its pages dealt again', async () => {
    const viewer = newViewer();
    const cut = cutter.cutAfter(1, 0);
    expect(await store.queueAndNext(viewer, 0, 1_000, [batch('1', '2'), batch('3')])).toEqual({
      kind: 'fresh',
      batch: batch('1', '2'),
      cursor: 1_001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
    await cut;

    expect(await store.next(viewer, 0, 1_001, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
    });
    expect(await store.next(viewer, 0, 1_002, true)).toMatchObject({ kind: 'empty' });
  });

  it("keeps no key per run queued and dealt beyond the viewer's own, where each refill kept its reply a minute", async () => {
    const cache = testRedis.client('cache');
    const keysNow = async (): Promise<string[]> => cache.keys(`${testRedis.prefix}*`);
    // The process' marks have their bitmap already, as after a gateway's first refill.
    await store.queueAndNext(newViewer(), 0, 1_000, [batch('1'), batch('2')]);
    const before = new Set(await keysNow());
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2')]);

    const added = (await keysNow()).filter((key) => !before.has(key));
    expect(
      added.filter((key) => !key.startsWith(`${testRedis.prefix}feed:device:${viewer.id}:`)),
    ).toEqual([]);
  });

  it('answers a run sent again that dealt the last batch queued as first answered, with the cold-start ids still to leave out', async () => {
    const viewer = newViewer();
    const cut = cutter.cutAfter(1, 0);
    expect(await store.queueAndNext(viewer, 0, 1_000, [batch('1', '2')], ['c1', 'c2'])).toEqual({
      kind: 'fresh',
      batch: batch('1', '2'),
      cursor: 1_001,
      continued: false,
      lastQueued: true,
      coldIds: ['c1', 'c2'],
    });
    await cut;

    expect(await store.next(viewer, 0, 1_001, true)).toMatchObject({
      kind: 'empty',
      coldIds: ['c1', 'c2'],
    });
  });

  it("answers a run sent again whose stamp another replica's refill was dealt first as the replay it was, where it answered that batch fresh and its exposure counted twice", async () => {
    const viewer = newViewer();
    const direct = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    afterCase = () => direct.disconnect();
    const otherReplica = new FeedBatchStore(direct);
    expect(
      await otherReplica.queueAndNext(viewer, 0, 1_000, [batch('b1'), batch('b2')]),
    ).toMatchObject({ kind: 'fresh', batch: batch('b1') });

    const cut = cutter.cutAfter(1, 0);
    expect(await store.queueAndNext(viewer, 0, 1_000, [batch('a1')])).toMatchObject({
      kind: 'replay',
      batch: batch('b1'),
      cursor: 1_001,
    });
    await cut;
  });

  it('queues a run drawn ahead once when Redis queued it, its reply was lost and ioredis sent it again', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1')]);
    const cut = cutter.cutAfter(1, 0);
    await store.queue(viewer, 0, [batch('2'), batch('3')], []);
    await cut;

    expect(await store.next(viewer, 0, 1_001, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('2'),
    });
    expect(await store.next(viewer, 0, 1_002, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
    });
    expect(await store.next(viewer, 0, 1_003, true)).toMatchObject({ kind: 'empty' });
  });
  it('answers a batch dealt and sent again as first dealt, fresh with its exposure (the answer that had it was lost), and a retry of its stamp as a replay', async () => {
    const viewer = newViewer();
    await store.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2'), batch('3')]);
    const cut = cutter.cutAfter(1, 0);
    // Redis dealt batch 2 under the stamp; sent again, the call finds the batch it dealt there.
    expect(await store.next(viewer, 0, 2_000, true)).toEqual({
      kind: 'fresh',
      batch: batch('2'),
      cursor: 2_001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
    await cut;

    // The request sent again (a retry: another call) was answered: a replay, no exposure.
    expect(await store.next(viewer, 0, 2_000, true)).toMatchObject({
      kind: 'replay',
      batch: batch('2'),
      cursor: 2_001,
    });
    // A batch dealt as going on from a page, the last queued, answers so too.
    const lastCut = cutter.cutAfter(1, 0);
    expect(await store.next(viewer, 0, 2_001, true)).toEqual({
      kind: 'fresh',
      batch: batch('3'),
      cursor: 2_002,
      continued: true,
      lastQueued: true,
      coldIds: [],
    });
    await lastCut;
    expect(await store.next(viewer, 0, 2_001, true)).toMatchObject({
      kind: 'replay',
      batch: batch('3'),
      continued: true,
    });
  });

  it('answers a deal sent again as first dealt, fresh, also when a newer stamp of the viewer was dealt before it came again', async () => {
    // The call as ioredis sends it again, read off a client that sends each command on its own.
    const direct = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    const directStore = new FeedBatchStore(direct);
    afterCase = () => direct.disconnect();
    const viewer = newViewer();
    await directStore.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2'), batch('3')]);
    const sent = jest.spyOn(direct, 'sendCommand');
    expect(await directStore.next(viewer, 0, 2_000, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('2'),
    });
    const [dealCall] = sent.mock.calls
      .map(([command]) => command)
      .filter((command) => command.name === 'evalsha' || command.name === 'eval');
    sent.mockRestore();
    // Another request of the viewer is dealt the next batch before the call comes again.
    expect(await directStore.next(viewer, 0, 3_000, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
    });

    const again = await testRedis.client('cache').call(dealCall.name, ...dealCall.args.map(String));
    expect((again as string[]).slice(0, 3)).toEqual(['fresh', JSON.stringify(batch('2')), '2001']);
  });

  it('shows two viewers of one pipeline the batches Redis dealt them when only the first reply came back', async () => {
    const [first, second] = [newViewer(), newViewer()];
    for (const viewer of [first, second])
      await store.queueAndNext(viewer, 0, 1_000, [batch('1'), batch('2'), batch('3')]);
    // Each answer is eight strings: 17 lines. ioredis aborts, rather than sends again, the call
    // behind an answered one of its pipeline.
    const cut = cutter.cutAfter(34, 17);
    const dealt = await Promise.all([
      store.next(first, 0, 2_000, true),
      store.next(second, 0, 2_000, true),
    ]);
    await cut;

    // The second, aborted, is sent again: it shows the batch Redis dealt it, not another, fresh
    // (its exposure counts once).
    expect(dealt).toEqual([
      expect.objectContaining({ kind: 'fresh', batch: batch('2') }),
      expect.objectContaining({ kind: 'fresh', batch: batch('2') }),
    ]);
    expect(await store.next(second, 0, 2_001, true)).toMatchObject({
      kind: 'fresh',
      batch: batch('3'),
    });
  });
});
