import { type RedisServer, startRedisServer } from '@app/testing';
import type Redis from 'ioredis';

import { closeRedisClient, createRedisClient } from './redis-roles';
import { addToSortedSet, type ScoredMembers, swapInSortedSet } from './sorted-set-swap';

/** Calls of each command the server ran, scripts' own included (`INFO commandstats`). */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const [, name, count] of (await redis.info('commandstats')).matchAll(
    /^cmdstat_([^:]+):calls=(\d+)/gm,
  )) {
    calls.set(name, Number(count));
  }
  return calls;
}

/**
 * The guarded swap of a list a rebuild read whole (a million comments or fans) runs as one
 * script; what was added meanwhile is merged into it without copying the rebuild, a command as
 * long as the list. A Redis of its own: its command statistics are this test's alone.
 */
describe('swapInSortedSet merging what was added (a Redis of its own)', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = createRedisClient(server.url, 'merge:');
  });

  afterAll(async () => {
    await closeRedisClient(redis);
    await server?.remove();
  });

  it('keeps the higher score of a member read and added, adds the others, and copies no set whole', async () => {
    async function* rebuild(): AsyncGenerator<ScoredMembers> {
      yield [
        [1, 'one'],
        [2, 'two'],
      ];
      await addToSortedSet(redis, 'list', 5, 'two', 5);
      await addToSortedSet(redis, 'list', 3, 'three', 5);
      yield [[9, 'nine']];
    }
    await redis.config('RESETSTAT');
    expect(await swapInSortedSet(redis, 'list', rebuild(), 900, { guarded: true })).toBe(3);
    expect(await redis.zrange('list', 0, -1, 'WITHSCORES')).toEqual([
      'one',
      '1',
      'three',
      '3',
      'two',
      '5',
      'nine',
      '9',
    ]);
    const calls = await commandCalls(redis);
    expect(calls.get('rename')).toBe(1);
    expect(
      ['zunionstore', 'zinterstore', 'zrangestore', 'zdiffstore'].filter((name) => calls.has(name)),
    ).toEqual([]);
  });
});
