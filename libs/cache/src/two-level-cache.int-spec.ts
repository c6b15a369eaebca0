import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { CacheTtl } from './ttl';
import { NULL_MARKER, TwoLevelCache } from './two-level-cache';

const POLICY = { ttl: CacheTtl.articleDetail, missingTtl: CacheTtl.articleInfoMissing };

describe('TwoLevelCache (real Redis)', () => {
  let testRedis: TestRedis;
  const clients: Redis[] = [];
  let first: TwoLevelCache;
  let second: TwoLevelCache;
  let raw: Redis;
  const warnings: string[] = [];

  const replica = async (l1TtlMs = 60_000): Promise<TwoLevelCache> => {
    const redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    const subscriber = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    clients.push(redis, subscriber);
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
      l1TtlMs,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    await cache.start();
    return cache;
  };

  beforeAll(async () => {
    testRedis = createTestRedis();
    raw = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    clients.push(raw);
    first = await replica();
    second = await replica();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis.cleanup();
  });

  it('loads once, stores JSON in Redis with a jittered TTL, then serves from process memory', async () => {
    const load = jest.fn(() => Promise.resolve({ title: '标题', n: 1 }));
    expect(await first.get('art:1:detail', load, POLICY)).toEqual({ title: '标题', n: 1 });
    expect(JSON.parse((await raw.get('art:1:detail'))!)).toEqual({ title: '标题', n: 1 });
    const ttl = await raw.ttl('art:1:detail');
    expect(ttl).toBeGreaterThan(3600 - 5);
    expect(ttl).toBeLessThanOrEqual(3600 + 600);
    await raw.del('art:1:detail');
    expect(await first.get('art:1:detail', load, POLICY)).toEqual({ title: '标题', n: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('caches a missing row as a null marker so repeated misses never reach the loader', async () => {
    const load = jest.fn(() => Promise.resolve(null));
    const fresh = await replica();
    for (let i = 0; i < 10_000; i += 1)
      expect(await fresh.get('art:404:detail', load, POLICY)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    expect(await raw.get('art:404:detail')).toBe(NULL_MARKER);
    // another replica also trusts the marker in Redis
    const other = jest.fn(() => Promise.resolve(null));
    expect(await second.get('art:404:detail', other, POLICY)).toBeNull();
    expect(other).not.toHaveBeenCalled();
  });

  it('lets 500 concurrent misses of one key share a single load', async () => {
    let loads = 0;
    const load = () =>
      new Promise<{ id: number }>((resolve) => {
        loads += 1;
        setTimeout(() => resolve({ id: 7 }), 50);
      });
    const fresh = await replica();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => fresh.get('art:7:detail', load, POLICY)),
    );
    expect(loads).toBe(1);
    expect(results.every((value) => value?.id === 7)).toBe(true);
  });

  it('broadcasts invalidation so another replica drops its L1 copy within 100 ms', async () => {
    let version = 1;
    const load = () => Promise.resolve({ version });
    expect(await first.get('art:9:detail', load, POLICY)).toEqual({ version: 1 });
    expect(await second.get('art:9:detail', load, POLICY)).toEqual({ version: 1 });
    expect(second.hasLocal('art:9:detail')).toBe(true);
    version = 2;
    const started = Date.now();
    await first.invalidate('art:9:detail');
    while (second.hasLocal('art:9:detail') && Date.now() - started < 1000) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(second.hasLocal('art:9:detail')).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
    expect(await second.get('art:9:detail', load, POLICY)).toEqual({ version: 2 });
  });

  it('ignores a message on its channel that is not a list of keys, and keeps taking invalidations', async () => {
    const load = () => Promise.resolve({ version: 1 });
    expect(await second.get('art:10:detail', load, POLICY)).toEqual({ version: 1 });
    // An operator's hand-typed PUBLISH, or a release that speaks another format.
    await raw.publish(`${testRedis.prefix}cache:invalidate`, 'art:10:detail');
    await raw.publish(`${testRedis.prefix}cache:invalidate`, '{"keys":["art:10:detail"]}');
    await raw.publish(`${testRedis.prefix}cache:invalidate`, 'null');
    await first.invalidate('art:10:detail');
    await eventually(
      () => second.hasLocal('art:10:detail'),
      (held) => !held,
      'the second replica to drop art:10:detail',
    );
    expect(await second.get('art:10:detail', load, POLICY)).toEqual({ version: 1 });
    expect(warnings).toContain(
      `ignored a message on ${testRedis.prefix}cache:invalidate that is not a JSON list of keys`,
    );
  });

  it('peeks many keys with one round trip, telling missing rows from unknown keys', async () => {
    await first.set('card:1', { id: 1 }, POLICY);
    await raw.set('card:2', NULL_MARKER);
    const fresh = await replica();
    expect(await fresh.peekMany<{ id: number }>(['card:1', 'card:2', 'card:3'])).toEqual([
      { id: 1 },
      null,
      undefined,
    ]);
  });

  it('peeks one key from L1, else from Redis (then keeps it), the same objects every time', async () => {
    await first.set('card:4', { id: 4 }, POLICY);
    await raw.set('card:5', NULL_MARKER);
    const fresh = await replica();
    expect(fresh.hasLocal('card:4')).toBe(false);
    const fromRedis = await fresh.peek<{ id: number }>('card:4');
    expect(fromRedis).toEqual({ id: 4 });
    expect(fresh.hasLocal('card:4')).toBe(true);
    expect(await fresh.peek('card:4')).toBe(fromRedis);
    expect(await fresh.peek('card:5')).toBeNull();
    expect(await fresh.peek('card:6')).toBeUndefined();
  });

  it('peeks one key in L1 only: what Redis alone holds is unknown until a read keeps it', async () => {
    await first.set('card:7', { id: 7 }, POLICY);
    await raw.set('card:8', NULL_MARKER);
    const fresh = await replica();
    expect(fresh.peekLocal('card:7')).toBeUndefined();
    expect(fresh.peekLocal('card:8')).toBeUndefined();
    const fromRedis = await fresh.peek<{ id: number }>('card:7');
    await fresh.peek('card:8');
    expect(fresh.peekLocal('card:7')).toBe(fromRedis);
    expect(fresh.peekLocal('card:8')).toBeNull();
  });

  describe('after its L1 time runs out', () => {
    const L1_MS = 50;
    const outlive = () => new Promise((resolve) => setTimeout(resolve, L1_MS + 30));

    it('reads the value from Redis again, the same object while it is unchanged there', async () => {
      await raw.set('card:20', JSON.stringify({ id: 20 }));
      const cache = await replica(L1_MS);
      const before = await cache.peek<{ id: number }>('card:20');
      await outlive();
      expect(cache.peekLocal('card:20')).toBeUndefined();
      expect(cache.peekLocal('card:20', { allowStale: true })).toBe(before);
      const after = await cache.peek<{ id: number }>('card:20');
      expect(after).toBe(before);
      expect(cache.peekLocal('card:20')).toBe(before);
    });

    it('reads a value changed in Redis as a new object', async () => {
      await raw.set('card:21', JSON.stringify({ id: 21, v: 1 }));
      const cache = await replica(L1_MS);
      const before = await cache.peek<{ id: number; v: number }>('card:21');
      await raw.set('card:21', JSON.stringify({ id: 21, v: 2 }));
      await outlive();
      const after = await cache.peek<{ id: number; v: number }>('card:21');
      expect(after).toEqual({ id: 21, v: 2 });
      expect(before).toEqual({ id: 21, v: 1 });
    });

    it('reads an invalidated value as a new object even when it comes back unchanged', async () => {
      await raw.set('card:22', JSON.stringify({ id: 22 }));
      const cache = await replica(L1_MS);
      const before = await cache.peek<{ id: number }>('card:22');
      await second.invalidate('card:22');
      for (let tries = 0; cache.peekLocal('card:22', { allowStale: true }) !== undefined; tries++) {
        if (tries === 100) throw new Error('the invalidation did not reach the replica');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await raw.set('card:22', JSON.stringify({ id: 22 }));
      const after = await cache.peek<{ id: number }>('card:22');
      expect(after).toEqual(before);
      expect(after).not.toBe(before);
    });
  });

  it('reads many rows through: one load for what neither level holds, null markers for what it does not answer', async () => {
    await first.set('row:1', { id: '1' }, POLICY);
    await raw.set('row:2', NULL_MARKER);
    const fresh = await replica();
    const load = jest.fn<Promise<Map<string, { id: string }>>, [string[]]>((ids) =>
      Promise.resolve(new Map(ids.filter((id) => id !== '4').map((id) => [id, { id }]))),
    );
    const values = await fresh.getMany(['1', '2', '3', '4'], (id) => `row:${id}`, load, POLICY);
    expect([...values]).toEqual([
      ['1', { id: '1' }],
      ['2', null],
      ['3', { id: '3' }],
      ['4', null],
    ]);
    expect(load.mock.calls).toEqual([[['3', '4']]]);
    expect(JSON.parse((await raw.get('row:3'))!) as { id: string }).toEqual({ id: '3' });
    expect(await raw.get('row:4')).toBe(NULL_MARKER);
    expect(await raw.ttl('row:4')).toBeGreaterThan(0);
    // Now every level holds them: nothing is loaded again, by this replica or another.
    const other = await replica();
    expect([
      ...(await other.getMany(['3', '4'], (id) => `row:${id}`, load, POLICY)).values(),
    ]).toEqual([{ id: '3' }, null]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('lets concurrent reads of overlapping ids share the loads in flight', async () => {
    const fresh = await replica();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = jest.fn<Promise<Map<string, string>>, [string[]]>(async (ids) => {
      await gate;
      return new Map(ids.map((id) => [id, `v${id}`]));
    });
    const reads = [
      fresh.getMany(['10', '11'], (id) => `shared:${id}`, load, POLICY),
      fresh.getMany(['11', '12'], (id) => `shared:${id}`, load, POLICY),
      fresh.getMany(['10', '12'], (id) => `shared:${id}`, load, POLICY),
    ];
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const answers = await Promise.all(reads);
    expect(answers.map((answer) => Object.fromEntries(answer))).toEqual([
      { 10: 'v10', 11: 'v11' },
      { 11: 'v11', 12: 'v12' },
      { 10: 'v10', 12: 'v12' },
    ]);
    expect(load.mock.calls.map(([ids]) => ids)).toEqual([['10', '11'], ['12']]);
  });

  it('loads an id asked for twice in one read once, and its failure reaches only the reader', async () => {
    const fresh = await replica();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const load = jest.fn<Promise<Map<string, string>>, [string[]]>(() =>
        Promise.reject(new Error('MySQL lost')),
      );
      await expect(
        fresh.getMany(['20', '20'], (id) => `twice:${id}`, load, POLICY),
      ).rejects.toThrow('MySQL lost');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(load.mock.calls.map(([ids]) => ids)).toEqual([['20']]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
  it('leaves the ids a bounded load did not read uncached, and a reader that joined that load loads them itself', async () => {
    const fresh = await replica();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const loading = new Promise<void>((resolve) => (entered = resolve));
    let boundedDone = false;
    const bounded = jest.fn(async (ids: string[]) => {
      entered();
      await held;
      boundedDone = true;
      return { values: new Map([[ids[0], { id: ids[0] }]]), leftOut: new Set(ids.slice(1)) };
    });
    const loadedAfterBounded: boolean[] = [];
    const load = jest.fn((ids: string[]) => {
      loadedAfterBounded.push(boundedDone);
      return Promise.resolve(new Map(ids.map((id) => [id, { id }])));
    });
    const within = fresh.getManyWithin(
      ['30', '31', '32'],
      (id) => `bounded:${id}`,
      bounded,
      POLICY,
    );
    await loading;
    // Joins the bounded load of 31 in flight: its MGET is answered before the next one on that connection.
    const joined = fresh.getMany(['31'], (id) => `bounded:${id}`, load, POLICY);
    await fresh.peekMany(['bounded:none']);
    release();
    const { values, leftOut } = await within;
    expect([[...values], leftOut]).toEqual([[['30', { id: '30' }]], ['31', '32']]);
    expect([...(await joined)]).toEqual([['31', { id: '31' }]]);
    expect([load.mock.calls, loadedAfterBounded]).toEqual([[[['31']]], [true]]);
    expect(await raw.mget('bounded:30', 'bounded:31', 'bounded:32')).toEqual([
      JSON.stringify({ id: '30' }),
      JSON.stringify({ id: '31' }),
      null,
    ]);
  });

  it('reads values within a bound in order, the first always, measuring those of Redis before sending them', async () => {
    const fresh = await replica();
    const [large, chinese, small] = [
      JSON.stringify('x'.repeat(10)),
      JSON.stringify('标题'),
      JSON.stringify('yy'),
    ];
    await raw.mset('sized:large', large, 'sized:chinese', chinese, 'sized:small', small);
    const keys = ['sized:large', 'sized:chinese', 'sized:none', 'sized:small'];
    // 12 bytes, 8 (UTF-8) that do not fit the 4 left, none stored, 4 that do.
    const fromRedis = await fresh.peekManyWithin<string>(keys, { bytes: 16, bytesOf: () => 1 });
    expect([fromRedis.values, [...fromRedis.leftOut], fromRedis.room]).toEqual([
      ['x'.repeat(10), undefined, undefined, 'yy'],
      [1],
      0,
    ]);
    // Those now held in process count what `bytesOf` says, and are not read again.
    await raw.del('sized:large', 'sized:small');
    const held = await fresh.peekManyWithin<string>(keys, {
      bytes: 20,
      bytesOf: (value) => (value === 'yy' ? 100 : 10),
    });
    expect([held.values, [...held.leftOut], held.room]).toEqual([
      ['x'.repeat(10), '标题', undefined, undefined],
      [3],
      2,
    ]);
  });

  it('reads a key holding no string within a bound as MGET does, as none, and stores the value loaded over it', async () => {
    const fresh = await replica();
    await raw.hset('typed:1', 'field', 'value');
    await raw.set('typed:2', JSON.stringify({ id: '2' }));
    const load = jest.fn((ids: string[]) =>
      Promise.resolve({
        values: new Map(ids.map((id) => [id, { id }])),
        leftOut: new Set<string>(),
      }),
    );
    const { values, leftOut } = await fresh.getManyWithin(
      ['1', '2'],
      (id) => `typed:${id}`,
      load,
      POLICY,
      {
        bytes: 1000,
        bytesOf: () => 10,
      },
    );
    expect([Object.fromEntries(values), leftOut, load.mock.calls.map(([ids]) => ids)]).toEqual([
      { 1: { id: '1' }, 2: { id: '2' } },
      [],
      [['1']],
    ]);
    expect(await raw.get('typed:1')).toBe(JSON.stringify({ id: '1' }));
  });
});
