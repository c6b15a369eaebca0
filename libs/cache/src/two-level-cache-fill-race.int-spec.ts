import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { CacheTtl } from './ttl';
import { TwoLevelCache } from './two-level-cache';

const POLICY = { ttl: CacheTtl.comment, missingTtl: CacheTtl.commentMissing };

interface Row {
  is_top: 0 | 1;
}

/** A load that answers only when released: the row as it was when it was read. */
function heldLoad<T>(read: () => T): {
  load: () => Promise<T>;
  started: Promise<void>;
  release: () => void;
} {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const load = async (): Promise<T> => {
    const value = read();
    markStarted();
    await gate;
    return value;
  };
  return { load, started, release };
}

describe('TwoLevelCache fills racing an invalidation (real Redis)', () => {
  let testRedis: TestRedis;
  const clients: Redis[] = [];
  let raw: Redis;
  let keyIndex = 0;

  const replica = async (): Promise<{ cache: TwoLevelCache; redis: Redis }> => {
    const redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    const subscriber = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    clients.push(redis, subscriber);
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
      l1TtlMs: 60_000,
    });
    await cache.start();
    return { cache, redis };
  };
  /** Until the other replica has had the broadcast of an invalidation (or a second has passed). */
  const broadcastDelivered = async (probe: TwoLevelCache, key: string): Promise<void> => {
    const started = Date.now();
    while (probe.hasLocal(key) && Date.now() - started < 1000)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const freshKey = (): string => `comm:race${(keyIndex += 1)}`;
  const cached = async (key: string): Promise<unknown> => {
    const value = await raw.get(key);
    return value === null ? undefined : (JSON.parse(value) as unknown);
  };

  beforeAll(() => {
    testRedis = createTestRedis();
    raw = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    clients.push(raw);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis.cleanup();
  });

  it('does not store a value read before an invalidation of the same process', async () => {
    const { cache } = await replica();
    const key = freshKey();
    let row: Row = { is_top: 0 };
    const held = heldLoad(() => row);
    const reading = cache.get(key, held.load, POLICY);
    await held.started;
    row = { is_top: 1 };
    await cache.invalidate(key);
    held.release();

    expect(await reading).toEqual({ is_top: 0 });
    expect(await cached(key)).toBeUndefined();
    expect(cache.peekLocal(key)).toBeUndefined();
    expect(await cache.get(key, () => Promise.resolve(row), POLICY)).toEqual({ is_top: 1 });
    expect(await cached(key)).toEqual({ is_top: 1 });
  });

  it('does not store a value read before another replica invalidated it, in Redis nor in either process', async () => {
    const reader = await replica();
    const writer = await replica();
    const key = freshKey();
    let row: Row = { is_top: 0 };
    const held = heldLoad(() => row);
    const reading = reader.cache.get(key, held.load, POLICY);
    await held.started;
    row = { is_top: 1 };
    await writer.cache.invalidate(key);
    await broadcastDelivered(reader.cache, key);
    held.release();

    expect(await reading).toEqual({ is_top: 0 });
    expect(await cached(key)).toBeUndefined();
    expect(reader.cache.peekLocal(key)).toBeUndefined();
    const load = () => Promise.resolve(row);
    expect(await writer.cache.get(key, load, POLICY)).toEqual({ is_top: 1 });
    expect(await reader.cache.get(key, load, POLICY)).toEqual({ is_top: 1 });
  });

  it('does not store what a fill read when the invalidation comes after the fill began, before its write', async () => {
    // The broadcast reaches the reader only after its fill wrote: Redis must have refused the write.
    const reader = await replica();
    const writer = await replica();
    const key = freshKey();
    let row: Row = { is_top: 0 };
    const held = heldLoad(() => row);
    const reading = reader.cache.get(key, held.load, POLICY);
    await held.started;
    row = { is_top: 1 };
    await writer.cache.invalidate(key);
    held.release();
    expect(await reading).toEqual({ is_top: 0 });
    await broadcastDelivered(reader.cache, key);

    expect(await cached(key)).toBeUndefined();
    expect(reader.cache.peekLocal(key)).toBeUndefined();
    expect(await writer.cache.peek(key)).toBeUndefined();
  });

  it('gives a caller that joins a load after an invalidation a value read after it', async () => {
    const { cache } = await replica();
    const key = freshKey();
    let row: Row = { is_top: 0 };
    const held = heldLoad(() => row);
    const leader = cache.get(key, held.load, POLICY);
    await held.started;
    row = { is_top: 1 };
    await cache.invalidate(key);
    const follower = cache.get(key, () => Promise.resolve(row), POLICY);
    held.release();

    expect(await leader).toEqual({ is_top: 0 });
    expect(await follower).toEqual({ is_top: 1 });
    expect(await cached(key)).toEqual({ is_top: 1 });
  });

  it('does not store rows of a batch read before one of them was invalidated, and stores the others', async () => {
    const reader = await replica();
    const writer = await replica();
    const [changed, unchanged] = [freshKey(), freshKey()];
    const rows = new Map<string, Row>([
      [changed, { is_top: 0 }],
      [unchanged, { is_top: 0 }],
    ]);
    const held = heldLoad(() => new Map(rows));
    const reading = reader.cache.getMany([changed, unchanged], (id) => id, held.load, POLICY);
    await held.started;
    rows.set(changed, { is_top: 1 });
    await writer.cache.invalidate(changed);
    await broadcastDelivered(reader.cache, changed);
    // A second batch of the reader asking for the changed row after the invalidation.
    const later = reader.cache.getMany(
      [changed],
      (id) => id,
      (ids) => Promise.resolve(new Map(ids.map((id) => [id, rows.get(id)!]))),
      POLICY,
    );
    held.release();

    expect(Object.fromEntries(await reading)).toEqual({
      [changed]: { is_top: 0 },
      [unchanged]: { is_top: 0 },
    });
    expect(Object.fromEntries(await later)).toEqual({ [changed]: { is_top: 1 } });
    expect(await cached(changed)).toEqual({ is_top: 1 });
    expect(await cached(unchanged)).toEqual({ is_top: 0 });
    expect(reader.cache.peekLocal(changed)).toEqual({ is_top: 1 });
    expect(reader.cache.peekLocal(unchanged)).toEqual({ is_top: 0 });
  });

  it('does not store a null marker for a row created and written while it was being read as missing', async () => {
    const reader = await replica();
    const writer = await replica();
    const key = freshKey();
    let row: Row | null = null;
    const held = heldLoad(() => row);
    const reading = reader.cache.get(key, held.load, POLICY);
    await held.started;
    row = { is_top: 1 };
    await writer.cache.set(key, row, POLICY);
    held.release();

    expect(await reading).toBeNull();
    expect(await cached(key)).toEqual({ is_top: 1 });
    expect(reader.cache.peekLocal(key)).not.toBeNull();
    expect(await reader.cache.get(key, () => Promise.resolve(row), POLICY)).toEqual({ is_top: 1 });
  });

  it('does not keep in process a value read from Redis while another replica invalidated it', async () => {
    const reader = await replica();
    const writer = await replica();
    const key = freshKey();
    await writer.cache.set(key, { is_top: 0 }, POLICY);
    // The MGET reply is real; it is handed over only after the invalidation's broadcast arrived.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let replied: () => void = () => undefined;
    const reply = new Promise<void>((resolve) => (replied = resolve));
    const mget = reader.redis.mget.bind(reader.redis) as (
      keys: string[],
    ) => Promise<(string | null)[]>;
    const spy = jest.spyOn(reader.redis, 'mget').mockImplementation((async (keys: string[]) => {
      const values = await mget(keys);
      replied();
      await gate;
      return values;
    }) as unknown as Redis['mget']);
    try {
      const peeking = reader.cache.peek<Row>(key);
      await reply;
      await writer.cache.invalidate(key);
      await broadcastDelivered(reader.cache, key);
      release();
      expect(await peeking).toEqual({ is_top: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(reader.cache.peekLocal(key)).toBeUndefined();
  });

  it('does not store a fill when the fence it read is gone (evicted)', async () => {
    const { cache } = await replica();
    const key = freshKey();
    const held = heldLoad((): Row => ({ is_top: 0 }));
    const reading = cache.get(key, held.load, POLICY);
    await held.started;
    await raw.del(`${key}:fence`);
    held.release();
    expect(await reading).toEqual({ is_top: 0 });
    expect(await cached(key)).toBeUndefined();
  });
});
