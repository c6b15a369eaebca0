import {
  addToSortedSet,
  CacheTtl,
  dropSortedSets,
  REDIS_CACHE,
  type ScoredMembers,
  swapInSortedSet,
  ttlWithJitter,
} from '@app/cache';
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

/** Comments as their list's zset holds them (scores written exactly, see comment-cursor). */
async function* asScoredMembers(chunks: AsyncIterable<readonly ScoredComment[]>): AsyncGenerator<ScoredMembers> {
  for await (const members of chunks) yield members.map(({ id, score }) => [formatScore(score), id] as const);
}

/** The reference patches cached lists in place only when they will live a while longer. */
const MIN_PATCH_TTL_SECONDS = 5;

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
   * Caches a whole list from its comments read chunk by chunk, swapped in whole
   * (`swapInSortedSet`, guarded: a list dropped while it was read is not cached, and comments
   * added meanwhile are merged in). Resolves with the list's length (0: nothing is cached).
   */
  replace(key: string, chunks: AsyncIterable<readonly ScoredComment[]>): Promise<number> {
    return swapInSortedSet(this.redis, key, asScoredMembers(chunks), ttlWithJitter(CacheTtl.comments), { guarded: true });
  }

  /** Adds a new comment to a cached list; a list that is not cached (or about to expire) is left alone. */
  async addIfCached(key: string, member: ScoredComment): Promise<void> {
    await addToSortedSet(this.redis, key, formatScore(member.score), member.id, MIN_PATCH_TTL_SECONDS);
  }

  /** Drops lists that hold a changed comment (`changed`): the next read rebuilds them from MySQL. */
  drop(keys: readonly string[], changed: readonly string[] = []): Promise<void> {
    return dropSortedSets(this.redis, keys, changed);
  }
}
