import { CacheKeys, closeRedisClient, createRedisClient, invalidateCached } from '@app/cache';
import { loadConfig } from '@app/config';
import type Redis from 'ioredis';

import { userEnvSchema } from '../../config/user.config';

/** Drops the cached profiles (`user:{id}:profile`, `:profilex`) of the users given. */
export type DropCachedProfiles = (userIds: string[]) => Promise<void>;

/**
 * Runs `repair` with a `DropCachedProfiles` for the rows it writes, so no cached copy serves the
 * old text for the rest of its TTL; the cache Redis is opened only when something is dropped, and
 * closed after.
 */
export async function withCachedProfilesDropped<T>(
  repair: (dropCached: DropCachedProfiles) => Promise<T>,
): Promise<T> {
  let cache: Redis | undefined;
  try {
    return await repair(async (userIds) => {
      cache ??= openCacheRedis();
      await invalidateCached(
        cache,
        userIds.flatMap((id) => [CacheKeys.userProfile(id), CacheKeys.userProfileExtra(id)]),
      );
    });
  } finally {
    if (cache) await closeRedisClient(cache);
  }
}

function openCacheRedis(): Redis {
  const config = loadConfig(userEnvSchema);
  return createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
}
