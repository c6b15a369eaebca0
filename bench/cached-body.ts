import { createRedisClient } from '@app/cache';
import type Redis from 'ioredis';

/**
 * Each endpoint's real answer is stored on the bench Redis, under the bench's key prefix, for the
 * reference servers to read with one GET: L2 on bare node:http, L4 through the apps' framework.
 */
export function cachedBodyKey(endpointKey: string): string {
  return `l2:${endpointKey}`;
}

/** A client of the kind the apps use (auto-pipelining, key prefix) on the bench's cache Redis. */
export function cachedBodyClient(): Redis {
  return createRedisClient(
    process.env.REDIS_CACHE_URL ?? 'redis://127.0.0.1:6379/0',
    process.env.REDIS_KEY_PREFIX ?? 'bench:',
  );
}

/** A reference server's stop: on SIGTERM or SIGINT, `close` it and its Redis client, then exit. */
export function closeOnSignal(close: () => Promise<unknown>, redis: Redis): void {
  const shutdown = (): void => {
    void close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
