import { randomUUID } from 'node:crypto';

import type Redis from 'ioredis';

import { StateKeys } from './keys';
import { RedisScript } from './redis-script';

// Deletes the lock only while it still holds this holder's token.
const RELEASE = new RedisScript<number, [lock: string], [token: string]>(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
);
// Sets the lock's TTL to ARGV[2] ms only while it still holds this holder's token.
const EXTEND = new RedisScript<number, [lock: string], [token: string, ttlMs: number]>(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`,
);
// Takes the lock when it is free or held by an earlier run of the same holder, for ARGV[3] ms. A
// run's token is `<holder>:<uuid>`, so the same holder's token is the prefix ARGV[1] (`<holder>:`)
// followed by no further ':'; a bare holder is a token from before runs had a suffix.
const ACQUIRE_AS = new RedisScript<
  number,
  [lock: string],
  [holderPrefix: string, token: string, ttlMs: number]
>(`
local current = redis.call('get', KEYS[1])
if current then
  local prefix = ARGV[1]
  local same = current:sub(1, #prefix) == prefix and not current:find(':', #prefix + 1, true)
  if not same and current .. ':' ~= prefix then return 0 end
end
redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`);

/**
 * A held lock; it lapses by itself after its TTL if the holder dies. Holders pick a TTL that
 * outlives their work (a deadline plus a margin, or the interval the lock spaces runs by).
 */
export interface LockLease {
  readonly name: string;
  /** Gives the lock up; a lock that has lapsed, or that a later run took over, is left to its new holder. */
  release(): Promise<void>;
  /**
   * Holds the lock for `ttlMs` from now (shorter or longer than before); false when it has
   * lapsed or a later run of the same holder took it over meanwhile, whoever holds it now.
   */
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * Mutual exclusion across replicas on the state Redis: `SET NX PX` with a random token, and
 * compare-and-delete in Lua. One Redis, so a Redlock quorum would add nothing.
 */
export class RedisLock {
  constructor(private readonly redis: Redis) {}

  /**
   * The lock `lock:<name>` for `ttlMs`, or undefined while someone else holds it. A `holder` that
   * names the work (a job id) takes the lock over from an earlier run of that same work, which
   * died holding it; anyone else still waits for it to lapse. Each run holds its own token: an
   * earlier run that was in fact still alive (a stalled job handed out again) can then neither
   * release nor extend the lock its later run took.
   */
  async acquire(name: string, ttlMs: number, holder?: string): Promise<LockLease | undefined> {
    const key = StateKeys.lock(name);
    const token = holder === undefined ? randomUUID() : `${holder}:${randomUUID()}`;
    const taken =
      holder === undefined
        ? (await this.redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK'
        : (await ACQUIRE_AS.run(this.redis, [key], [`${holder}:`, token, ttlMs])) === 1;
    if (!taken) return undefined;
    return {
      name,
      release: async () => {
        await RELEASE.run(this.redis, [key], [token]);
      },
      extend: async (extendedMs) =>
        (await EXTEND.run(this.redis, [key], [token, extendedMs])) === 1,
    };
  }
}
