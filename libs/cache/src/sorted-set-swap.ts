import { randomUUID } from 'node:crypto';

import type Redis from 'ioredis';

import { execReplies } from './redis-replies';

/** How long a sorted set being written may take before its scratch key expires (a writer that died). */
const SCRATCH_TTL_SECONDS = 600;
/** Members per ZADD. */
const ZADD_MEMBERS = 500;

/** (score, member) pairs of a sorted set. */
export type ScoredMembers = ReadonlyArray<readonly [score: number | string, member: string]>;

/**
 * Writes a cached sorted set whole from pairs read a chunk at a time. They go to a scratch key of
 * this call that one RENAME swaps in with `ttlSeconds`, so readers see the old set, none, or the
 * whole new one, and memory holds one chunk at a time however large the set. No pairs at all
 * leave `key` as it was. Resolves with the members written.
 */
export async function swapInSortedSet(
  redis: Redis,
  key: string,
  chunks: AsyncIterable<ScoredMembers>,
  ttlSeconds: number,
): Promise<number> {
  const scratch = `${key}:filling:${randomUUID()}`;
  let written = 0;
  try {
    for await (const pairs of chunks) {
      if (pairs.length === 0) continue;
      const multi = redis.multi();
      for (let start = 0; start < pairs.length; start += ZADD_MEMBERS) {
        multi.zadd(scratch, ...pairs.slice(start, start + ZADD_MEMBERS).flat());
      }
      await execReplies(multi.expire(scratch, SCRATCH_TTL_SECONDS));
      written += pairs.length;
    }
    if (written > 0) await execReplies(redis.multi().rename(scratch, key).expire(key, ttlSeconds));
    return written;
  } catch (error) {
    await redis.del(scratch).catch(() => undefined);
    throw error;
  }
}
