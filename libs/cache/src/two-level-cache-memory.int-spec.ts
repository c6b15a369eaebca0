import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { closeRedisClient, createRedisClient } from './redis-roles';
import { CacheTtl } from './ttl';
import { TwoLevelCache } from './two-level-cache';

const POLICY = { ttl: CacheTtl.articleDetail, missingTtl: CacheTtl.articleInfoMissing };

const MIB = 1024 * 1024;

/** An article whose JSON is about 1 MiB in process (1 Mi ASCII characters, one byte each). */
const LARGE_CONTENT = 'a'.repeat(1 << 20);

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use once garbage is collected (twice: the first pass may only queue finalizers). */
function heapHeld(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** `length` characters of Chinese (CJK ideographs) or ASCII text, different for each `seed`. */
function text(script: 'Chinese' | 'ASCII', length: number, seed: number): string {
  const chars: string[] = [];
  let state = seed + 1;
  for (let index = 0; index < length; index++) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    chars.push(
      String.fromCharCode(script === 'Chinese' ? 0x4e00 + (state % 20_000) : 0x61 + (state % 26)),
    );
  }
  return chars.join('');
}

const CONTENT = { Chinese: text('Chinese', 20_000, 0), ASCII: text('ASCII', 20_000, 0) };

/** An article's cached detail, its content some 20 000 characters long. */
function article(script: 'Chinese' | 'ASCII', id: number): Record<string, unknown> {
  return {
    art_id: String(1_300_000_000_000_000_000n + BigInt(id)),
    title: text(script, 30, id),
    content: `${text(script, 10, id)}${CONTENT[script]}`,
    cover: { type: 1, images: [`http://toutiao.example/covers/${id}.jpg`] },
    aut_id: '1294287382374383616',
    ch_id: 3,
    allow_comm: true,
    pubdate: '2026-12-07T12:00:00.000Z',
  };
}

describe('TwoLevelCache L1 memory (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
  });

  const subscribers: Redis[] = [];

  afterEach(async () => {
    await Promise.all(subscribers.splice(0).map((subscriber) => closeRedisClient(subscriber)));
  });

  afterAll(async () => {
    await closeRedisClient(redis);
    await testRedis.cleanup();
  });

  /** A cache of its own, no longer held once its subscriber is closed after the test. */
  async function startCache(l1MaxBytes: number): Promise<TwoLevelCache> {
    const subscriber = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    subscribers.push(subscriber);
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
      l1TtlMs: 60_000,
      l1MaxBytes,
    });
    await cache.start();
    return cache;
  }

  it('keeps no more than its byte budget of large values in process, whatever their count', async () => {
    const budget = 16 * MIB;
    const cache = await startCache(budget);
    const articles = Math.ceil((2 * budget) / LARGE_CONTENT.length);
    const keys = Array.from({ length: articles }, (_, index) => `art:${index}:detail`);
    for (const key of keys) {
      expect(
        await cache.get(key, () => Promise.resolve({ content: LARGE_CONTENT }), POLICY),
      ).toEqual({
        content: LARGE_CONTENT,
      });
    }

    const held = keys.filter((key) => cache.hasLocal(key));
    expect(held.length * LARGE_CONTENT.length).toBeLessThanOrEqual(budget);
    expect(cache.hasLocal(keys[keys.length - 1])).toBe(true);
    await redis.del(...keys);
  });

  // The budget is heap: V8 keeps text of Chinese characters at two bytes a character, ASCII at
  // one, and an entry read with `peekMany` holds its parsed copy beside its JSON.
  describe.each(['Chinese', 'ASCII'] as const)('articles of %s text', (script) => {
    const budget = 16 * MIB;
    // Its JSON alone takes this much heap: more of them than the budget holds.
    const jsonBytes = (script === 'Chinese' ? 2 : 1) * JSON.stringify(article(script, 0)).length;
    const articles = Math.ceil((1.25 * budget) / jsonBytes);

    it.each([
      ['read and parsed (peekMany)', 'parsed'],
      ['read as JSON (get)', 'json'],
    ] as const)('hold about their byte budget of heap when %s', async (_, read) => {
      const keys = Array.from(
        { length: articles },
        (_unused, index) => `${script}:${read}:${index}`,
      );
      for (let start = 0; start < articles; start += 50) {
        const multi = redis.multi();
        for (let index = start; index < start + 50; index++) {
          multi.set(keys[index], JSON.stringify(article(script, index)), 'EX', 600);
        }
        await multi.exec();
      }
      const cache = await startCache(budget);

      for (let start = 0; start < articles; start += 50) {
        const batch = keys.slice(start, start + 50);
        if (read === 'parsed') {
          expect(await cache.peekMany(batch)).not.toContain(undefined);
        } else {
          for (const key of batch) {
            expect(await cache.get(key, () => Promise.resolve(null), POLICY)).not.toBeNull();
          }
        }
      }
      expect(keys.filter((key) => cache.hasLocal(key)).length).toBeLessThan(articles);
      // What L1 holds is what dropping its entries frees, measured back to back: what else the
      // process frees meanwhile (another file's timers in the same worker) stays out of it.
      const held = heapHeld();
      await cache.invalidate(...keys);
      const grown = held - heapHeld();

      expect(keys.some((key) => cache.hasLocal(key))).toBe(false);
      expect(grown / MIB).toBeLessThanOrEqual((1.15 * budget) / MIB);
      expect(grown / MIB).toBeGreaterThanOrEqual((0.8 * budget) / MIB);
      await redis.del(...keys);
    });
  });
});
