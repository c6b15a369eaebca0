import { randomUUID } from 'node:crypto';

import type Redis from 'ioredis';

import { StateKeys } from './keys';

// Deletes the lock only while it still holds this holder's token.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A held lock; it lapses by itself after its TTL if the holder dies. Holders pick a TTL that
 * outlives their work (a deadline plus a margin, or the interval the lock spaces runs by).
 */
export interface LockLease {
  readonly name: string;
  /** Gives the lock up; a lock that has already lapsed is left to its new holder. */
  release(): Promise<void>;
}

/**
 * Mutual exclusion across replicas on the state Redis: `SET NX PX` with a random token, and
 * compare-and-delete in Lua. One Redis, so a Redlock quorum would add nothing.
 */
export class RedisLock {
  constructor(private readonly redis: Redis) {}

  /** The lock `lock:<name>` for `ttlMs`, or undefined while someone else holds it. */
  async acquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const key = StateKeys.lock(name);
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    return {
      name,
      release: async () => {
        await this.redis.eval(RELEASE, 1, key, token);
      },
    };
  }
}
