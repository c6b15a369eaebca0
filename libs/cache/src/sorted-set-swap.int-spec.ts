import { createTestRedis, type TestRedis, yieldEach } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import {
  addToSortedSet,
  dropSortedSets,
  type ScoredMembers,
  swapInSortedSet,
} from './sorted-set-swap';

describe('swapInSortedSet (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  const raw = (): Redis => testRedis.client('cache');
  const prefixed = (key: string): string => `${testRedis.prefix}${key}`;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('writes the whole set from its chunks with the given expiry, more than one ZADD per chunk where needed', async () => {
    const pairs = Array.from({ length: 1203 }, (_, index) => [index, `m${index}`] as const);
    const written = await swapInSortedSet(
      redis,
      'set:a',
      yieldEach([pairs.slice(0, 1100), [], pairs.slice(1100)]),
      900,
    );
    expect(written).toBe(1203);
    expect(await raw().zcard(prefixed('set:a'))).toBe(1203);
    expect(await raw().zscore(prefixed('set:a'), 'm1202')).toBe('1202');
    const ttl = await raw().ttl(prefixed('set:a'));
    expect(ttl).toBeGreaterThan(890);
    expect(ttl).toBeLessThanOrEqual(900);
  });

  it('leaves the old set to readers until the new one is complete, and no scratch key behind', async () => {
    await swapInSortedSet(redis, 'set:b', yieldEach([[[1, 'old']]]), 900);
    async function* slowly(): AsyncGenerator<ScoredMembers> {
      yield [[2, 'new-1']];
      expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['old']);
      yield [[3, 'new-2']];
    }
    expect(await swapInSortedSet(redis, 'set:b', slowly(), 900)).toBe(2);
    expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['new-1', 'new-2']);
    expect(await raw().keys(`${prefixed('set:b')}:filling:*`)).toEqual([]);
  });

  it('keeps the set when there is nothing to write, and drops the scratch key when reading fails', async () => {
    expect(await swapInSortedSet(redis, 'set:b', yieldEach([]), 900)).toBe(0);
    expect(await raw().zcard(prefixed('set:b'))).toBe(2);
    async function* failing(): AsyncGenerator<ScoredMembers> {
      yield [[9, 'partial']];
      await Promise.reject(new Error('MySQL went away'));
    }
    await expect(swapInSortedSet(redis, 'set:b', failing(), 900)).rejects.toThrow(
      'MySQL went away',
    );
    expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['new-1', 'new-2']);
    expect(await raw().keys(`${prefixed('set:b')}:filling:*`)).toEqual([]);
  });

  describe('when the cache Redis evicts the scratch key while it is written', () => {
    /** Two chunks, the scratch key of `key` evicted (allkeys-lru) between them. */
    async function* evictedBetween(key: string): AsyncGenerator<ScoredMembers> {
      yield [[1, 'one']];
      const scratch = await raw().keys(`${prefixed(key)}:filling:*`);
      expect(scratch).toHaveLength(1);
      await raw().del(...scratch);
      yield [[2, 'two']];
    }

    it('does not swap in what is left of the set', async () => {
      await swapInSortedSet(redis, 'set:e1', evictedBetween('set:e1'), 900);
      expect(await raw().exists(prefixed('set:e1'))).toBe(0);
      expect(await raw().keys(`${prefixed('set:e1')}:filling:*`)).toEqual([]);
    });

    it('does not swap in what is left of a guarded set either', async () => {
      await swapInSortedSet(redis, 'set:e2', evictedBetween('set:e2'), 900, { guarded: true });
      expect(await raw().exists(prefixed('set:e2'))).toBe(0);
      expect(await raw().keys(`${prefixed('set:e2')}:filling:*`)).toEqual([]);
    });

    it('neither fails nor swaps when it is evicted after the last chunk', async () => {
      async function* evictedAtEnd(): AsyncGenerator<ScoredMembers> {
        yield [[1, 'one']];
        await raw().del(...(await raw().keys(`${prefixed('set:e3')}:filling:*`)));
      }
      expect(await swapInSortedSet(redis, 'set:e3', evictedAtEnd(), 900)).toBe(1);
      expect(await raw().exists(prefixed('set:e3'))).toBe(0);
    });
  });

  describe('guarded', () => {
    const members = async (key: string) => raw().zrange(prefixed(key), 0, -1, 'WITHSCORES');
    /** A rebuild that reads 'one' and 'two' from MySQL, with `meanwhile` happening between the reads. */
    async function* rebuild(meanwhile: () => Promise<unknown>): AsyncGenerator<ScoredMembers> {
      yield [[1, 'one']];
      await meanwhile();
      yield [[2, 'two']];
    }

    it('does not swap in a rebuild that a drop overtook, and leaves no scratch key', async () => {
      const written = await swapInSortedSet(
        redis,
        'set:g1',
        rebuild(() => dropSortedSets(redis, ['set:g1'])),
        900,
        { guarded: true },
      );
      expect(written).toBe(2);
      expect(await raw().exists(prefixed('set:g1'))).toBe(0);
      expect(await raw().keys(`${prefixed('set:g1')}:filling:*`)).toEqual([]);
      expect(await raw().exists(prefixed('set:g1:recent'))).toBe(0);
      // The next rebuild, with no write during it, is swapped in.
      await swapInSortedSet(
        redis,
        'set:g1',
        rebuild(() => Promise.resolve()),
        900,
        { guarded: true },
      );
      expect(await members('set:g1')).toEqual(['one', '1', 'two', '2']);
      expect(await raw().exists(prefixed('set:g1:recent'))).toBe(0);
    });

    it('does not swap in a rebuild that a drop overtook when the cache Redis then evicted the fence', async () => {
      await swapInSortedSet(
        redis,
        'set:g6',
        rebuild(async () => {
          await dropSortedSets(redis, ['set:g6']);
          await raw().del(prefixed('set:g6:fence'));
        }),
        900,
        { guarded: true },
      );
      expect(await raw().exists(prefixed('set:g6'))).toBe(0);
      expect(await raw().keys(`${prefixed('set:g6')}:filling:*`)).toEqual([]);
    });

    it('does not swap in a rebuild whose record of what was added the cache Redis evicted meanwhile', async () => {
      await swapInSortedSet(
        redis,
        'set:g7',
        rebuild(async () => {
          await addToSortedSet(redis, 'set:g7', 3, 'three', 5);
          await raw().del(prefixed('set:g7:recent'));
          // A later comment records what is added anew, without the one evicted.
          await addToSortedSet(redis, 'set:g7', 4, 'four', 5);
        }),
        900,
        { guarded: true },
      );
      expect(await raw().exists(prefixed('set:g7'))).toBe(0);
      expect(await raw().keys(`${prefixed('set:g7')}:filling:*`)).toEqual([]);
    });

    it('does not swap in such a rebuild when another rebuild began after the eviction', async () => {
      const other = (): Promise<number> =>
        swapInSortedSet(
          redis,
          'set:g8',
          yieldEach([
            [
              [1, 'one'],
              [2, 'two'],
              [3, 'three'],
            ],
          ]),
          900,
          {
            guarded: true,
          },
        );
      await swapInSortedSet(
        redis,
        'set:g8',
        rebuild(async () => {
          await addToSortedSet(redis, 'set:g8', 3, 'three', 5);
          await raw().del(prefixed('set:g8:recent'));
          // It reads 'three' from MySQL and swaps its list in first.
          expect(await other()).toBe(3);
        }),
        900,
        { guarded: true },
      );
      expect(await members('set:g8')).toEqual(['one', '1', 'two', '2', 'three', '3']);
    });

    it("leaves the release before's rebuild nothing of its own to merge in a rolling deploy", async () => {
      // The release before reads the fence (setting one where there is none) and swaps with the
      // script below, which merges whatever the record of what was added holds.
      const previousSwap = `
if redis.call('ZCARD', KEYS[1]) ~= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return 0
end
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[3] then
  redis.call('DEL', KEYS[1])
  return 0
end
local added = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
for i = 1, #added, 2 do redis.call('ZADD', KEYS[1], 'GT', added[i + 1], added[i]) end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;
      const previousRebuild = async (): Promise<void> => {
        const fence = await raw().get(prefixed('set:g9:fence'));
        const scratch = prefixed('set:g9:filling:previous');
        await raw().zadd(scratch, 5, 'five');
        const keys = ['set:g9', 'set:g9:fence', 'set:g9:added'].map(prefixed);
        await raw().eval(previousSwap, 4, scratch, ...keys, 1, 900, fence ?? '');
      };
      await swapInSortedSet(
        redis,
        'set:g9',
        rebuild(async () => {
          await dropSortedSets(redis, ['set:g9']);
          await previousRebuild();
        }),
        900,
        { guarded: true },
      );
      expect(await members('set:g9')).toEqual(['five', '5']);
    });

    it('merges what the release before added during the rebuild', async () => {
      await swapInSortedSet(
        redis,
        'set:g10',
        rebuild(() => raw().zadd(prefixed('set:g10:added'), 3, 'three')),
        900,
        { guarded: true },
      );
      expect(await members('set:g10')).toEqual(['one', '1', 'two', '2', 'three', '3']);
    });

    it('merges what was added during the rebuild, and not what a drop changed since', async () => {
      await swapInSortedSet(
        redis,
        'set:g2',
        rebuild(() => addToSortedSet(redis, 'set:g2', 3, 'three', 5)),
        900,
        { guarded: true },
      );
      expect(await members('set:g2')).toEqual(['one', '1', 'two', '2', 'three', '3']);

      await addToSortedSet(redis, 'set:g3', 4, 'four', 5);
      await addToSortedSet(redis, 'set:g3', 5, 'five', 5);
      await dropSortedSets(redis, ['set:g3'], ['four']);
      await swapInSortedSet(
        redis,
        'set:g3',
        rebuild(() => Promise.resolve()),
        900,
        { guarded: true },
      );
      expect(await members('set:g3')).toEqual(['one', '1', 'two', '2', 'five', '5']);
    });

    it('adds to a cached set only while it lives longer than the given seconds', async () => {
      await swapInSortedSet(
        redis,
        'set:g4',
        rebuild(() => Promise.resolve()),
        900,
        { guarded: true },
      );
      await addToSortedSet(redis, 'set:g4', 7, 'seven', 5);
      expect(await raw().zscore(prefixed('set:g4'), 'seven')).toBe('7');
      await raw().expire(prefixed('set:g4'), 3);
      await addToSortedSet(redis, 'set:g4', 8, 'eight', 5);
      expect(await raw().zscore(prefixed('set:g4'), 'eight')).toBeNull();
      await addToSortedSet(redis, 'set:g5', 9, 'nine', 5);
      expect(await raw().exists(prefixed('set:g5'))).toBe(0);
    });
  });
});
