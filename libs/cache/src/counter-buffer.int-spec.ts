import { createTestRedis, startRedisServer, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CounterBuffer, INCREMENTS_PER_CALL } from './counter-buffer';
import { CounterKeys, ReadingStatsFields, StateKeys } from './keys';
import { createRedisClient } from './redis-roles';

const ARTICLE = '1300000000000000001';
const OTHER = '1300000000000000002';

describe('CounterBuffer (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let raw: Redis;
  const errors: unknown[] = [];

  const score = async (key: string, id: string) =>
    Number((await raw.zscore(`${testRedis.prefix}${key}`, id)) ?? 0);

  beforeAll(() => {
    testRedis = createTestRedis();
    raw = testRedis.client('state');
  });

  beforeEach(() => {
    // No offline queue: while disconnected, a write fails at once instead of waiting.
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix, { enableOfflineQueue: false });
    errors.length = 0;
  });

  afterEach(() => redis.disconnect());
  afterAll(() => testRedis.cleanup());

  it('sums increments in process and writes them after the interval', async () => {
    const buffer = new CounterBuffer(redis, { flushMs: 30 });
    await new Promise((resolve) => redis.once('ready', resolve));
    for (let i = 0; i < 5; i += 1) buffer.add(CounterKeys.articleReads, ARTICLE);
    buffer.add(CounterKeys.authorReads, OTHER, 2);
    expect(buffer.size).toBe(2);
    expect(await score(CounterKeys.articleReads, ARTICLE)).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await score(CounterKeys.articleReads, ARTICLE)).toBe(5);
    expect(await score(CounterKeys.authorReads, OTHER)).toBe(2);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('keeps the sums of a failed write and writes them once Redis is back', async () => {
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    await new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect();
    buffer.add(CounterKeys.articleRecoExposures, ARTICLE, 3);
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.size).toBe(1);

    buffer.add(CounterKeys.articleRecoExposures, ARTICLE);
    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
    await redis.connect();
    await buffer.flush();
    expect(await score(CounterKeys.articleRecoExposures, ARTICLE)).toBe(4);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('while Redis stays down, keeps the first failed call and sums what comes after it, however many writes fail', async () => {
    const member = '1300000000000000041';
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    await new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect();
    for (let i = 0; i < 5; i += 1) {
      buffer.add(CounterKeys.articleReads, member);
      await buffer.flush();
    }
    expect(errors).toHaveLength(5);
    expect(buffer.size).toBe(2);

    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
    await redis.connect();
    await buffer.flush();
    expect(await score(CounterKeys.articleReads, member)).toBe(5);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('sums the fields of a hash of counts beside the zsets, keeps them through a Redis crash and writes them once it is back', async () => {
    const server = await startRedisServer({ appendOnly: true });
    const own = createRedisClient(`${server.url}/0`, testRedis.prefix);
    const stats = StateKeys.articleReadingStats(ARTICLE);
    try {
      const buffer = new CounterBuffer(own, {
        flushMs: 60_000,
        onWriteError: (error) => errors.push(error),
      });
      await new Promise((resolve) => own.once('ready', resolve));
      buffer.addToHash(stats, ReadingStatsFields.reports, 1);
      buffer.addToHash(stats, ReadingStatsFields.seconds, 30);
      await buffer.flush();
      expect(await own.hgetall(stats)).toEqual({ reports: '1', seconds: '30' });

      await server.crash();
      buffer.addToHash(stats, ReadingStatsFields.reports, 1);
      buffer.addToHash(stats, ReadingStatsFields.seconds, 45);
      buffer.addToHash(stats, ReadingStatsFields.channelReads, 1);
      buffer.add(CounterKeys.articleReads, ARTICLE);
      await buffer.flush();
      expect(errors.length).toBeGreaterThan(0);
      expect(buffer.size).toBe(4);

      await server.start();
      await buffer.flush();
      expect(buffer.size).toBe(0);
      expect(await own.hgetall(stats)).toEqual({ reports: '2', seconds: '75', from_channel: '1' });
      expect(Number(await own.zscore(CounterKeys.articleReads, ARTICLE))).toBe(1);
      await buffer.close();
    } finally {
      own.disconnect();
      await server.remove();
    }
  });

  it('writes a zset increment and a hash increment of one key each as its own kind, so Redis refuses the one of the wrong kind', async () => {
    const zset = `${testRedis.prefix}${CounterKeys.articleCollections}`;
    await raw.del(zset);
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    await new Promise((resolve) => redis.once('ready', resolve));
    buffer.add(CounterKeys.articleCollections, ARTICLE, 2);
    buffer.addToHash(CounterKeys.articleCollections, ARTICLE, 5);
    await buffer.flush();

    expect(await raw.type(zset)).toBe('zset');
    expect(await score(CounterKeys.articleCollections, ARTICLE)).toBe(2);
    expect(errors.map(String)).toEqual([expect.stringMatching(/^ReplyError: WRONGTYPE/)]);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('refuses a hash increment that is not an integer, which every write would have Redis refuse', () => {
    const buffer = new CounterBuffer(redis, { flushMs: 60_000 });
    expect(() =>
      buffer.addToHash(StateKeys.articleReadingStats(ARTICLE), ReadingStatsFields.seconds, 1.5),
    ).toThrow(RangeError);
    expect(buffer.size).toBe(0);
  });

  it('writes what arrives during a write in the next one, and what is left on close', async () => {
    const buffer = new CounterBuffer(redis, { flushMs: 60_000 });
    await new Promise((resolve) => redis.once('ready', resolve));
    buffer.add(CounterKeys.articleLikes, OTHER);
    const first = buffer.flush();
    buffer.add(CounterKeys.articleLikes, OTHER, 10);
    const second = buffer.flush();
    await Promise.all([first, second]);
    expect(await score(CounterKeys.articleLikes, OTHER)).toBe(11);

    buffer.add(CounterKeys.articleLikes, ARTICLE, 7);
    await buffer.close();
    expect(await score(CounterKeys.articleLikes, ARTICLE)).toBe(7);
  });

  it('writes what is counted after close at once, ahead of a QUIT sent right after (a server still answering while it shuts down)', async () => {
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    await new Promise((resolve) => redis.once('ready', resolve));
    buffer.add(CounterKeys.articleReads, '1300000000000000031');
    await buffer.close();
    buffer.add(CounterKeys.articleReads, '1300000000000000031');
    buffer.add(CounterKeys.articleReads, '1300000000000000032', 3);
    expect(buffer.size).toBe(0);
    // The request that counted ends, the server closes, then the clients quit: a turn later at least
    // (auto-pipelined commands go out on the next tick).
    await new Promise((resolve) => setImmediate(resolve));
    await redis.quit();
    expect(await score(CounterKeys.articleReads, '1300000000000000031')).toBe(2);
    expect(await score(CounterKeys.articleReads, '1300000000000000032')).toBe(3);
    expect(errors).toEqual([]);
  });

  it('on close, writes again what a Redis down at the time refused, until it is back', async () => {
    const server = await startRedisServer({ appendOnly: true });
    const own = createRedisClient(`${server.url}/0`, testRedis.prefix);
    try {
      const buffer = new CounterBuffer(own, {
        flushMs: 60_000,
        onWriteError: (error) => errors.push(error),
      });
      await new Promise((resolve) => own.once('ready', resolve));
      await server.crash();
      buffer.add(CounterKeys.articleReads, ARTICLE, 3);
      const closed = buffer.close();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await server.start();
      await closed;
      expect(errors.length).toBeGreaterThan(0);
      expect(buffer.size).toBe(0);
      expect(Number(await own.zscore(CounterKeys.articleReads, ARTICLE))).toBe(3);
    } finally {
      own.disconnect();
      await server.remove();
    }
  });

  it('writes more members than one script call takes, over several keys, all of them', async () => {
    const zset = `${testRedis.prefix}${CounterKeys.articleRecoExposures}`;
    await raw.del(zset, `${testRedis.prefix}${CounterKeys.articleReads}`);
    const buffer = new CounterBuffer(redis, { flushMs: 60_000 });
    await new Promise((resolve) => redis.once('ready', resolve));
    const members = INCREMENTS_PER_CALL * 2 + 7;
    for (let i = 0; i < members; i += 1) {
      buffer.add(
        CounterKeys.articleRecoExposures,
        String(1300000000000100000n + BigInt(i)),
        1 + (i % 3),
      );
      buffer.add(CounterKeys.articleReads, ARTICLE);
    }
    await buffer.flush();

    expect(await raw.zcard(zset)).toBe(members);
    const scores = (await raw.zrange(zset, 0, -1, 'WITHSCORES')).filter(
      (_, index) => index % 2 === 1,
    );
    expect(scores.reduce((sum, value) => sum + Number(value), 0)).toBe(
      Array.from({ length: members }, (_, i) => 1 + (i % 3)).reduce((sum, value) => sum + value, 0),
    );
    expect(
      await score(
        CounterKeys.articleRecoExposures,
        String(1300000000000100000n + BigInt(members - 1)),
      ),
    ).toBe(1 + ((members - 1) % 3));
    expect(await score(CounterKeys.articleReads, ARTICLE)).toBe(members);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('reports a key of the wrong type and drops its sums, and writes the other keys', async () => {
    await raw.set(`${testRedis.prefix}${CounterKeys.authorReads}`, 'not a zset');
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    await new Promise((resolve) => redis.once('ready', resolve));
    buffer.add(CounterKeys.authorReads, OTHER, 4);
    buffer.add(CounterKeys.articleComments, ARTICLE, 2);
    await buffer.flush();

    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/WRONGTYPE/);
    expect(buffer.size).toBe(0);
    expect(await raw.get(`${testRedis.prefix}${CounterKeys.authorReads}`)).toBe('not a zset');
    expect(await score(CounterKeys.articleComments, ARTICLE)).toBe(2);
    await buffer.close();
  });
});
