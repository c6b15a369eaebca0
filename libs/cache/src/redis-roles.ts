import { answersWithin, errorMessage } from '@app/config';
import { Logger, type LoggerService } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';

import { defineRedisScripts } from './redis-script';

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

/**
 * The longest pause between two attempts to reconnect. A command issued while Redis is down waits
 * for `maxRetriesPerRequest` (2) failed attempts and is then rejected, so a request fails within
 * about a second (HTTP 503) instead of the 4 s that ioredis' default cap of 2 s gives.
 */
export const REDIS_RECONNECT_MAX_MS = 500;

/**
 * How long disconnect() lets a socket close by itself before destroying it. ioredis' fallback
 * timer (2 s by default) is cleared only by the socket's close: a client disconnected between two
 * reconnection attempts (Redis down) holds a socket that closed already, so the timer ran out in
 * full and kept a stopping process alive 2 s more. Redis closes its end at once.
 */
export const REDIS_DISCONNECT_TIMEOUT_MS = 100;

/**
 * How long closing a client waits for Redis to answer QUIT: a Redis that hangs, or a network that
 * drops its packets, never answers, and a shutdown waiting for it would never end.
 */
export const REDIS_QUIT_TIMEOUT_MS = 1_000;

/** ioredis' own backoff (50 ms more per attempt), capped at REDIS_RECONNECT_MAX_MS. */
export function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 50, REDIS_RECONNECT_MAX_MS);
}

/**
 * An ioredis client for a role; keys are prefixed so deployments and test runs never collide. Its
 * commands include every `RedisScript` loaded so far.
 */
export function createRedisClient(
  url: string,
  keyPrefix: string,
  options: RedisOptions = {},
): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 2,
    retryStrategy: reconnectDelay,
    enableAutoPipelining: true,
    lazyConnect: false,
    disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
    ...options,
  });
  defineRedisScripts(redis);
  logOutages(redis, redisAddress(url));
  return redis;
}

/**
 * Logs when the client loses Redis (once per outage, however many reconnection attempts fail)
 * and when it has it back. Without an `error` listener ioredis printed every failed attempt's
 * stack to stderr, twice a second per client, outside the app's structured log.
 */
export function logOutages(
  redis: Redis,
  address: string,
  logger: Pick<LoggerService, 'warn' | 'log'> = new Logger('Redis'),
): void {
  let down = false;
  redis.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    logger.warn(`${address} unreachable, reconnecting: ${errorMessage(error)}`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log(`${address} reachable again`);
  });
}

/** host:port/db of a Redis URL, without its credentials. */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `redis ${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'redis';
  }
}

/**
 * A connection for (P)SUBSCRIBE: a subscriber connection accepts no other command, so no
 * auto-pipelining. Its commands wait through an outage instead of failing after
 * `maxRetriesPerRequest` attempts. ioredis subscribes again on each reconnection with a promise
 * nobody handles: one rejected there would end the process (an unhandled rejection), and the
 * connection would be subscribed to nothing from the next reconnection on, silently.
 */
export function createSubscriberClient(url: string, keyPrefix: string): Redis {
  return createRedisClient(url, keyPrefix, {
    enableAutoPipelining: false,
    maxRetriesPerRequest: null,
  });
}

/**
 * Closes a client with QUIT, so that Redis answers what was sent before it first, and drops the
 * connection when QUIT fails (Redis down: the client would go on reconnecting) or is not answered
 * within `timeoutMs`. Never rejects.
 */
export async function closeRedisClient(
  client: Redis,
  timeoutMs = REDIS_QUIT_TIMEOUT_MS,
): Promise<void> {
  const answered = await answersWithin(
    client.quit().then(() => true),
    timeoutMs,
  );
  if (!answered) client.disconnect();
}

/**
 * Connection options for BullMQ. BullMQ forbids ioredis' keyPrefix (it uses its own `prefix`)
 * and needs `maxRetriesPerRequest: null` so workers wait through a Redis restart.
 */
export function queueConnectionOptions(queueUrl: string): RedisOptions {
  const url = new URL(queueUrl);
  // Read as ioredis reads the other roles' URLs: TLS for `rediss://`, the query's options (such as
  // `family=6` for a host with IPv6 addresses only) under what the URL itself says, an IPv6 host
  // without its brackets, and escaped credentials decoded.
  const fromQuery = urlQueryOptions(url);
  return {
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    ...fromQuery,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || fromQuery.port || 6379),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : (fromQuery.db ?? 0),
    ...(url.username || url.password
      ? {
          username: decodeURIComponent(url.username) || undefined,
          password: decodeURIComponent(url.password) || undefined,
        }
      : {}),
    maxRetriesPerRequest: null,
    disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
  };
}

const NUMERIC_QUERY_OPTIONS = new Set(['family', 'port', 'db']);

/** The options a Redis URL's query sets, as ioredis takes them: numbers where ioredis reads numbers. */
function urlQueryOptions(url: URL): RedisOptions {
  const options: Record<string, string | number> = {};
  url.searchParams.forEach((value, key) => {
    const number = Number.parseInt(value, 10);
    options[key] = NUMERIC_QUERY_OPTIONS.has(key) && !Number.isNaN(number) ? number : value;
  });
  return options;
}
