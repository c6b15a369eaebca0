import { CounterKeys, createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { PopularityReader } from '../feed/popularity.reader';
import {
  ALL_CHANNELS,
  CandidateIndex,
  ReadingLapsedError,
  ReadingSupersededError,
} from './candidate-index';
import { IDS_PER_COMMAND } from './read-in-chunks';

describe('CandidateIndex (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let index: CandidateIndex;

  beforeAll(() => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    index = new CandidateIndex(state);
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('adds an approved article to its channel and to channel 0, and removes it from both', async () => {
    await index.replaceChannel(3, []);
    await index.add({ id: '11', channelId: 3, createdMs: 1000, tokens: ['python', '并发'] });
    await index.add({ id: '12', channelId: 3, createdMs: 2000, tokens: [] });
    expect(await index.pool(3, 10)).toEqual([
      { id: '12', createdMs: 2000 },
      { id: '11', createdMs: 1000 },
    ]);
    expect((await index.pool(ALL_CHANNELS, 10)).map((entry) => entry.id)).toEqual(['12', '11']);
    expect(await index.channelsOf(['11', '404'])).toEqual([3, undefined]);
    expect(await index.tokensOf(['11', '12'])).toEqual([['python', '并发'], []]);

    await index.remove('11');
    expect(await index.pool(3, 10)).toEqual([{ id: '12', createdMs: 2000 }]);
    expect(await index.pool(ALL_CHANNELS, 10)).toEqual([{ id: '12', createdMs: 2000 }]);
    expect(await index.channelsOf(['11'])).toEqual([undefined]);
  });

  it('replaces a pool whole, bounds reads and drops pools of vanished channels', async () => {
    await index.replaceChannel(5, [
      { id: '21', createdMs: 10 },
      { id: '22', createdMs: 30 },
      { id: '23', createdMs: 20 },
    ]);
    expect((await index.pool(5, 2)).map((entry) => entry.id)).toEqual(['22', '23']);
    await index.replaceChannel(5, [{ id: '24', createdMs: 40 }]);
    expect(await index.pool(5, 10)).toEqual([{ id: '24', createdMs: 40 }]);

    await index.retainChannels([ALL_CHANNELS, 3]);
    expect(await index.pool(5, 10)).toEqual([]);
    expect(await index.pool(3, 10)).toHaveLength(1);
  });

  it("moves an article out of every other channel's pool, even one its stored channel does not name", async () => {
    await index.replaceChannel(6, [{ id: '61', createdMs: 10 }]);
    await index.replaceChannel(7, []);
    await index.add({ id: '61', channelId: 7, createdMs: 10, tokens: [] });
    expect(await index.pool(6, 10)).toEqual([]);
    expect(await index.pool(7, 10)).toEqual([{ id: '61', createdMs: 10 }]);
    expect((await index.pool(ALL_CHANNELS, 100)).filter((entry) => entry.id === '61')).toHaveLength(
      1,
    );
  });

  it('leaves what jobs did after a rebuild began reading as they did it, and overwrites what they did before', async () => {
    await index.replaceChannel(8, []);
    await index.replaceChannel(9, []);
    await index.add({ id: '71', channelId: 8, createdMs: 100, tokens: ['old'] });
    await index.add({ id: '72', channelId: 8, createdMs: 200, tokens: [] });
    const rebuild = await index.startReading();
    // Jobs while the rebuild reads news: 73 approved, 71 banned, 72 moved to channel 9.
    await index.add({ id: '73', channelId: 8, createdMs: 300, tokens: ['new'] });
    await index.remove('71');
    await index.add({ id: '72', channelId: 9, createdMs: 200, tokens: [] });
    // The rebuild writes what it read before them.
    const read = [
      { id: '71', createdMs: 100 },
      { id: '72', createdMs: 200 },
      { id: '74', createdMs: 50 },
    ];
    await index.putChannels(
      read.map((entry) => ({ id: entry.id, channelId: 8 })),
      rebuild,
    );
    await index.putTokens(
      [
        { id: '71', tokens: ['stale'] },
        { id: '74', tokens: ['rebuilt'] },
      ],
      rebuild,
    );
    await index.replaceChannel(8, read, rebuild);
    await index.replaceChannel(9, [], rebuild);
    await index.forgetArticles(['73'], rebuild);

    expect(await index.pool(8, 10)).toEqual([
      { id: '73', createdMs: 300 },
      { id: '74', createdMs: 50 },
    ]);
    expect(await index.pool(9, 10)).toEqual([{ id: '72', createdMs: 200 }]);
    expect(await index.channelsOf(['71', '72', '73', '74'])).toEqual([undefined, 9, 8, 8]);
    expect(await index.tokensOf(['71', '73', '74'])).toEqual([undefined, ['new'], ['rebuilt']]);
    // A pool is state, not cache: the swap leaves it without expiry.
    expect(await state.ttl('reco:ch:8:candidates')).toBe(-1);
    expect(await redis.client('state').keys(`${redis.prefix}*rebuilding*`)).toEqual([]);

    // With no reading left, the touches are forgotten: they no longer hold a later rebuild back.
    await index.endReading(rebuild);
    expect(await state.zcard('reco:candidates:touched')).toBe(0);
    expect(await state.zcard('reco:candidates:readings')).toBe(0);
    const later = await index.startReading();
    await index.replaceChannel(8, [{ id: '74', createdMs: 50 }], later);
    await index.endReading(later);
    expect(await index.pool(8, 10)).toEqual([{ id: '74', createdMs: 50 }]);
  });

  it('keeps the touches a rebuild still reading needs when a later one ends first', async () => {
    await index.replaceChannel(10, [{ id: '101', createdMs: 10 }]);
    const first = await index.startReading();
    await index.remove('101');
    const second = await index.startReading();
    await index.replaceChannel(10, [], second);
    await index.endReading(second);
    // The first rebuild read 101 before the ban; it outlived its lock and writes now.
    await index.replaceChannel(10, [{ id: '101', createdMs: 10 }], first);
    await index.endReading(first);
    expect(await index.pool(10, 10)).toEqual([]);
  });

  it("does not write a job's read over a later-begun job's write, whichever lands first", async () => {
    await index.replaceChannel(11, []);
    const article = { id: '111', channelId: 11, createdMs: 10, tokens: [] };
    // The approval's job read the card, then the ban's job began and removed the article.
    const approval = await index.startReading();
    const ban = await index.startReading();
    expect(await index.remove('111', ban)).toMatchObject({ written: true });
    expect(await index.add(article, approval)).toEqual({ written: false });
    expect(await index.pool(ALL_CHANNELS, 100)).not.toContainEqual({ id: '111', createdMs: 10 });
    await Promise.all([index.endReading(approval), index.endReading(ban)]);

    // A job that began earlier but lands first is overwritten by the later one, as it read later.
    const early = await index.startReading();
    const late = await index.startReading();
    expect(await index.add(article, early)).toMatchObject({ written: true });
    expect(await index.remove('111', late)).toMatchObject({ written: true });
    expect(await index.pool(11, 10)).toEqual([]);
    await Promise.all([index.endReading(early), index.endReading(late)]);

    // A later job that found nothing to change still keeps an earlier one from writing.
    const before = await state.get('reco:candidates:version');
    const approving = await index.startReading();
    const banning = await index.startReading();
    expect(await index.remove('111', banning)).toEqual({
      written: true,
      inChannelPool: false,
      changed: false,
    });
    expect(await state.get('reco:candidates:version')).toBe(before);
    expect(await index.add(article, approving)).toEqual({ written: false });
    expect(await index.pool(11, 10)).toEqual([]);
    await Promise.all([index.endReading(approving), index.endReading(banning)]);
    expect(await state.zcard('reco:candidates:applied')).toBe(0);
  });

  it("refuses a job's write once a rebuild began reading after it, which read the article later (a ban whose job was lost)", async () => {
    await index.replaceChannel(14, []);
    const article = { id: '141', channelId: 14, createdMs: 10, tokens: [] };
    const inPools = async () =>
      (await index.pool(14, 10)).length +
      (await index.pool(ALL_CHANNELS, 100)).filter((entry) => entry.id === '141').length;
    // The approval's job read the card; then the article was banned, and the ban's job was lost.
    const approval = await index.startReading();
    // A rebuild read news after the ban: the article is in no pool.
    const rebuild = await index.startReading('rebuild');
    await index.replaceChannel(14, [], rebuild);
    await index.endReading(rebuild);
    await expect(index.add(article, approval)).rejects.toThrow(ReadingSupersededError);
    expect(await inPools()).toBe(0);
    expect(await index.channelsOf(['141'])).toEqual([undefined]);
    await index.endReading(approval);

    // Landing while the rebuild still reads news, before it swaps the pool in: refused too, so the
    // rebuild does not leave the article in place as a newer job's.
    const approving = await index.startReading();
    const rebuilding = await index.startReading('rebuild');
    await expect(index.add(article, approving)).rejects.toThrow(ReadingSupersededError);
    await index.replaceChannel(14, [], rebuilding);
    expect(await inPools()).toBe(0);
    await index.endReading(approving);

    // A job that began after the rebuild writes, and the rebuild leaves the article as it put it.
    const rereading = await index.startReading();
    expect(await index.remove('141', rereading)).toMatchObject({ written: true });
    await index.replaceChannel(14, [{ id: '141', createdMs: 10 }], rebuilding);
    expect(await inPools()).toBe(0);
    await Promise.all([index.endReading(rebuilding), index.endReading(rereading)]);
  });

  it('never makes a pool for a channel the rebuild did not list (a deleted or hidden one)', async () => {
    await index.replaceChannel(12, [{ id: '121', createdMs: 10 }]);
    await index.retainChannels((await index.channelIds()).filter((channel) => channel !== 12));
    const write = await index.add({ id: '121', channelId: 12, createdMs: 10, tokens: ['x'] });
    expect(write).toMatchObject({ written: true, inChannelPool: false });
    expect(await index.channelIds()).not.toContain(12);
    expect(await state.exists('reco:ch:12:candidates')).toBe(0);
    expect((await index.pool(ALL_CHANNELS, 100)).map((entry) => entry.id)).toContain('121');
    expect(await index.channelsOf(['121'])).toEqual([12]);
  });

  it('refuses the writes of a reading taken for dead, and forgets it', async () => {
    await index.replaceChannel(13, []);
    const dead = await index.startReading();
    await state.zadd('reco:candidates:readings:deadlines', 0, dead.id);
    await index.endReading(await index.startReading());
    await expect(index.replaceChannel(13, [{ id: '131', createdMs: 1 }], dead)).rejects.toThrow(
      ReadingLapsedError,
    );
    await expect(
      index.add({ id: '131', channelId: 13, createdMs: 1, tokens: [] }, dead),
    ).rejects.toThrow(ReadingLapsedError);
    expect(await index.pool(13, 10)).toEqual([]);
    expect(await state.zcard('reco:candidates:readings')).toBe(0);
  });

  it('reads channels, tokens and popularity of more ids than one chunk holds, in order', async () => {
    const count = IDS_PER_COMMAND * 2 + 5;
    const ids = Array.from({ length: count }, (_, i) => String(100_000 + i));
    await index.putChannels(ids.map((id, i) => ({ id, channelId: 1 + (i % 7) })));
    await index.putTokens(ids.map((id) => ({ id, tokens: [`t${id}`] })));
    await state.zadd(CounterKeys.articleLikes, ...ids.flatMap((id, i) => [i, id]));
    // Unknown ids between known ones keep their places.
    const asked = [...ids.slice(0, IDS_PER_COMMAND + 1), '404', ...ids.slice(IDS_PER_COMMAND + 1)];

    const channels = await index.channelsOf(asked);
    const tokens = await index.tokensOf(asked);
    const popularity = await new PopularityReader(state).read(asked);

    expect(channels).toHaveLength(count + 1);
    expect(channels[IDS_PER_COMMAND + 1]).toBeUndefined();
    expect(tokens[IDS_PER_COMMAND + 1]).toBeUndefined();
    expect(popularity[IDS_PER_COMMAND + 1].likes).toBe(0);
    asked.forEach((id, position) => {
      if (id === '404') return;
      const i = Number(id) - 100_000;
      expect(channels[position]).toBe(1 + (i % 7));
      expect(tokens[position]).toEqual([`t${id}`]);
      expect(popularity[position].likes).toBe(i);
    });
  });
});
