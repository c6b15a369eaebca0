import { REDIS_CACHE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { FeedViewer } from './feed-viewer';

/** How long a viewer's batches (served and queued) are kept per channel. */
export const FEED_HISTORY_TTL_SECONDS = 24 * 3600;
/** Served batches kept for replays (scrolling down through older stamps). */
export const FEED_HISTORY_SIZE = 50;

/** A batch as queued and as served: article ids and the exposure tracking string for them. */
export interface QueuedBatch {
  ids: string[];
  exposure: string;
}

/**
 * What the stamp of a request gives: a fresh batch (stored under that stamp), a replay of the
 * stored batch at or before it, or `empty` when a fresh batch is due and none is queued.
 * `cursor` is the client's next `pre_timestamp`: the next older stamp, 0 when there is none.
 */
export type NextBatch =
  | { kind: 'fresh'; batch: QueuedBatch; cursor: number }
  | { kind: 'replay'; batch: QueuedBatch; cursor: number }
  | { kind: 'empty' };

/**
 * The timestamp rules of the original recommend centre (reference 4.3) over a viewer's queue,
 * in one atomic round trip. History members are `<stamp>:<batch json>` so equal batches stay
 * distinct; a fresh batch is stored under the request's own stamp, so a retried request (same
 * stamp) replays it instead of drawing another.
 */
const NEXT_BATCH_LUA = `
local function next_batch()
  local stamp = tonumber(ARGV[1])
  local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if newest[2] and stamp <= tonumber(newest[2]) then
    local found = redis.call('ZREVRANGEBYSCORE', KEYS[1], stamp, '-inf', 'WITHSCORES', 'LIMIT', 0, 2)
    return {'replay', found[1] or '', found[4] or '0'}
  end
  local batch = redis.call('LPOP', KEYS[2])
  if not batch then return {'empty'} end
  redis.call('ZADD', KEYS[1], stamp, ARGV[1] .. ':' .. batch)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {'fresh', batch, newest[2] or '0'}
end
`;

/** Queues the batches given after the first three arguments, then deals as NEXT_BATCH_LUA. */
const QUEUE_AND_NEXT_LUA = `${NEXT_BATCH_LUA}
redis.call('RPUSH', KEYS[2], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[2], ARGV[2])
return next_batch()
`;

interface FeedRedis extends Redis {
  feedNextBatch(history: string, queue: string, stamp: string, ttl: number, size: number): Promise<string[]>;
  feedQueueAndNext(
    history: string,
    queue: string,
    stamp: string,
    ttl: number,
    size: number,
    ...batches: string[]
  ): Promise<string[]>;
}

/**
 * Per viewer and channel on the cache Redis: the queue of batches drawn ahead from the recommend
 * service and the history of batches served. Losing either only means asking the recommend
 * service again.
 */
@Injectable()
export class FeedBatchStore {
  private readonly redis: FeedRedis;

  constructor(@Inject(REDIS_CACHE) redis: Redis) {
    if (!('feedNextBatch' in redis)) {
      redis.defineCommand('feedNextBatch', { numberOfKeys: 2, lua: `${NEXT_BATCH_LUA}\nreturn next_batch()` });
      redis.defineCommand('feedQueueAndNext', { numberOfKeys: 2, lua: QUEUE_AND_NEXT_LUA });
    }
    this.redis = redis as FeedRedis;
  }

  async next(viewer: FeedViewer, channelId: number, stamp: number): Promise<NextBatch> {
    const { history, queue } = keysOf(viewer, channelId);
    return parseNext(
      await this.redis.feedNextBatch(history, queue, String(stamp), FEED_HISTORY_TTL_SECONDS, FEED_HISTORY_SIZE),
    );
  }

  /** Queues batches drawn ahead (oldest first) and deals the next one, in the same round trip. */
  async queueAndNext(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    batches: readonly QueuedBatch[],
  ): Promise<NextBatch> {
    const { history, queue } = keysOf(viewer, channelId);
    return parseNext(
      await this.redis.feedQueueAndNext(
        history,
        queue,
        String(stamp),
        FEED_HISTORY_TTL_SECONDS,
        FEED_HISTORY_SIZE,
        ...batches.map((batch) => JSON.stringify(batch)),
      ),
    );
  }
}

function parseNext([kind, member, cursor]: string[]): NextBatch {
  if (kind === 'empty') return { kind: 'empty' };
  const batch = kind === 'fresh' ? parseBatch(member) : parseBatch(member.slice(member.indexOf(':') + 1));
  return { kind: kind === 'fresh' ? 'fresh' : 'replay', batch, cursor: Number(cursor) };
}

function keysOf(viewer: FeedViewer, channelId: number): { history: string; queue: string } {
  const base = `feed:${viewer.kind}:${viewer.id}:${channelId}`;
  return { history: `${base}:history`, queue: `${base}:queue` };
}

const EMPTY_BATCH: QueuedBatch = { ids: [], exposure: '' };

function parseBatch(json: string): QueuedBatch {
  if (!json) return EMPTY_BATCH;
  const value = JSON.parse(json) as Partial<QueuedBatch>;
  return { ids: Array.isArray(value.ids) ? value.ids.map(String) : [], exposure: String(value.exposure ?? '') };
}
