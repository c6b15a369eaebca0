import Redis, { type RedisOptions } from 'ioredis';

/**
 * The three Redis roles. `cache` may evict and may be lost; `state` (codes, counters, sessions,
 * histories) never evicts; `queue` belongs to BullMQ. Each has its own URL.
 */
export enum RedisRole {
  Cache = 'cache',
  State = 'state',
  Queue = 'queue',
}

export const REDIS_CACHE = Symbol('REDIS_CACHE');
export const REDIS_STATE = Symbol('REDIS_STATE');

export interface RedisRoleUrls {
  cacheUrl: string;
  stateUrl: string;
  queueUrl: string;
  keyPrefix: string;
}

/** An ioredis client for a role; keys are prefixed so deployments and test runs never collide. */
export function createRedisClient(url: string, keyPrefix: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    lazyConnect: false,
    ...options,
  });
}

/**
 * Connection options for BullMQ. BullMQ forbids ioredis' keyPrefix (it uses its own `prefix`)
 * and needs `maxRetriesPerRequest: null` so workers wait through a Redis restart.
 */
export function queueConnectionOptions(queueUrl: string): RedisOptions {
  const url = new URL(queueUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.replace('/', '') || 0),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    maxRetriesPerRequest: null,
  };
}
