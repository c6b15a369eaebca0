import { randomUUID } from 'node:crypto';

import { CacheKeys, CacheTtl, REDIS_CACHE, RedisScript, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ChannelSummary } from './channels.repository';

/** How long a reader may take between claiming a missing key and filling it. */
const FILL_LEASE_MS = 10_000;
const LEASE_MARK = 'lease:';

// Fills the key only while it still holds this reader's lease: a change deletes the lease, so a
// list read from MySQL before that change can never land in the cache after it.
const FILL_IF_LEASED = new RedisScript<
  'OK' | null,
  [channels: string],
  [lease: string, value: string, ttlSeconds: number]
>(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return false`);

/**
 * `user:{uid}:ch`: the user's own channels as JSON `[{id,name}]` (`[]` = none of their own).
 * Read-through with a lease so a concurrent change cannot leave a stale list behind.
 */
@Injectable()
export class UserChannelsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** The cached list; undefined on a miss or while another reader holds the fill lease. */
  async get(userId: string): Promise<ChannelSummary[] | undefined> {
    const value = await this.redis.get(CacheKeys.userChannels(userId));
    if (value === null || value.startsWith(LEASE_MARK)) return undefined;
    return JSON.parse(value) as ChannelSummary[];
  }

  /** Claims the right to fill a missing key; undefined when the key exists or is already claimed. */
  async lease(userId: string): Promise<string | undefined> {
    const lease = `${LEASE_MARK}${randomUUID()}`;
    const claimed = await this.redis.set(
      CacheKeys.userChannels(userId),
      lease,
      'PX',
      FILL_LEASE_MS,
      'NX',
    );
    return claimed === 'OK' ? lease : undefined;
  }

  /** Stores the list read under `lease`; false (nothing stored) when a change came in between. */
  async fill(userId: string, lease: string, channels: readonly ChannelSummary[]): Promise<boolean> {
    const stored = await FILL_IF_LEASED.run(
      this.redis,
      [CacheKeys.userChannels(userId)],
      [
        lease,
        JSON.stringify(channels.map(({ id, name }) => ({ id, name }))),
        ttlWithJitter(CacheTtl.userChannels),
      ],
    );
    return stored === 'OK';
  }

  async invalidate(userId: string): Promise<void> {
    await this.redis.del(CacheKeys.userChannels(userId));
  }
}
