import { randomUUID } from 'node:crypto';

import { CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import {
  formatScore,
  needsTieGroup,
  parseWithScores,
  type ScoredComment,
  withTieGroup,
} from './comment-cursor';

/** One page of a list, with what the response says about the whole list. */
export interface CommentListPage {
  totalCount: number;
  /** The lowest score of the list; undefined when it is empty. */
  endScore: number | undefined;
  members: ScoredComment[];
}

export const EMPTY_LIST_PAGE: CommentListPage = { totalCount: 0, endScore: undefined, members: [] };

const ZADD_CHUNK = 500;
/** How long a list being filled may take before its scratch key expires (a fill that died). */
const FILL_SCRATCH_TTL_SECONDS = 600;
/** The reference patches cached lists in place only when they will live a while longer. */
const MIN_PATCH_TTL_SECONDS = 5;
const ADD_IF_CACHED = `
if redis.call('TTL', KEYS[1]) > tonumber(ARGV[3]) then
  return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
return -1`;

/**
 * `art:{id}:comm` and `comm:{id}:reply`: zsets of comment id -> score (see comment-cursor.ts).
 * Lists are cached whole or not at all; an absent key means "not cached", never "empty".
 */
@Injectable()
export class CommentListsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** A page of a cached list, or undefined when the list is not cached. */
  async readPage(key: string, offset: number | undefined, limit: number): Promise<CommentListPage | undefined> {
    const multi = this.redis.multi().zcard(key).zrange(key, 0, 0, 'WITHSCORES');
    if (offset === undefined) multi.zrevrange(key, 0, limit, 'WITHSCORES');
    else multi.zrevrangebyscore(key, `(${formatScore(offset)}`, '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1);
    const replies = await multi.exec();
    if (!replies) return undefined;
    for (const [error] of replies) if (error) throw error;
    const [total, lowest, page] = replies.map(([, value]) => value) as [number, string[], string[]];
    if (total === 0) return undefined;
    const fetched = parseWithScores(page);
    let members = fetched.slice(0, limit);
    if (needsTieGroup(fetched, limit)) {
      const boundary = formatScore(fetched[limit - 1].score);
      const group = parseWithScores(await this.redis.zrevrangebyscore(key, boundary, boundary, 'WITHSCORES'));
      // Expired in between: build the page again from MySQL rather than answer a short one.
      if (group.length === 0) return undefined;
      members = withTieGroup(fetched, limit, group);
    }
    return { totalCount: total, endScore: parseWithScores(lowest)[0]?.score, members };
  }

  /**
   * Caches a whole list from its comments read chunk by chunk. They go to a scratch key that is
   * renamed over the list at the end, so a reader sees the old list, none, or the whole new one.
   * Resolves with the list's length (0: nothing is cached).
   */
  async replace(key: string, chunks: AsyncIterable<readonly ScoredComment[]>): Promise<number> {
    const scratch = `${key}:filling:${randomUUID()}`;
    let count = 0;
    try {
      for await (const members of chunks) {
        if (members.length === 0) continue;
        const multi = this.redis.multi();
        for (let start = 0; start < members.length; start += ZADD_CHUNK) {
          const chunk = members.slice(start, start + ZADD_CHUNK).flatMap(({ id, score }) => [formatScore(score), id]);
          multi.zadd(scratch, ...chunk);
        }
        await multi.expire(scratch, FILL_SCRATCH_TTL_SECONDS).exec();
        count += members.length;
      }
      if (count > 0) await this.redis.multi().rename(scratch, key).expire(key, ttlWithJitter(CacheTtl.comments)).exec();
      return count;
    } catch (error) {
      await this.redis.del(scratch).catch(() => undefined);
      throw error;
    }
  }

  /** Adds a new comment to a cached list; a list that is not cached (or about to expire) is left alone. */
  async addIfCached(key: string, member: ScoredComment): Promise<void> {
    await this.redis.eval(ADD_IF_CACHED, 1, key, formatScore(member.score), member.id, MIN_PATCH_TTL_SECONDS);
  }
}
