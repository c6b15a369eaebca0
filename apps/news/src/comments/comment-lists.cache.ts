import {
  addToSortedSet,
  CacheTtl,
  type CommentListPage,
  dropSortedSets,
  formatScore,
  readCommentListPage,
  REDIS_CACHE,
  type ScoredComment,
  type ScoredMembers,
  swapInSortedSet,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

export const EMPTY_LIST_PAGE: CommentListPage = { totalCount: 0, endScore: undefined, members: [] };

/** Comments as their list's zset holds them (scores written exactly, see @app/cache comment-cursor). */
async function* asScoredMembers(
  chunks: AsyncIterable<readonly ScoredComment[]>,
): AsyncGenerator<ScoredMembers> {
  for await (const members of chunks)
    yield members.map(({ id, score }) => [formatScore(score), id] as const);
}

/** The reference patches cached lists in place only when they will live a while longer. */
const MIN_PATCH_TTL_SECONDS = 5;

/**
 * `art:{id}:comm` and `comm:{id}:reply`: zsets of comment id -> score (see @app/cache comment-cursor).
 * Lists are cached whole or not at all; an absent key means "not cached", never "empty".
 */
@Injectable()
export class CommentListsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** A page of a cached list, or undefined when the list is not cached. */
  readPage(
    key: string,
    offset: number | undefined,
    limit: number,
  ): Promise<CommentListPage | undefined> {
    return readCommentListPage(this.redis, key, offset, limit);
  }

  /**
   * Caches a whole list from its comments read chunk by chunk, swapped in whole
   * (`swapInSortedSet`, guarded: a list dropped while it was read is not cached, and comments
   * added meanwhile are merged in). Resolves with the list's length (0: nothing is cached).
   */
  replace(key: string, chunks: AsyncIterable<readonly ScoredComment[]>): Promise<number> {
    return swapInSortedSet(
      this.redis,
      key,
      asScoredMembers(chunks),
      ttlWithJitter(CacheTtl.comments),
      { guarded: true },
    );
  }

  /** Adds a new comment to a cached list; a list that is not cached (or about to expire) is left alone. */
  async addIfCached(key: string, member: ScoredComment): Promise<void> {
    await addToSortedSet(
      this.redis,
      key,
      formatScore(member.score),
      member.id,
      MIN_PATCH_TTL_SECONDS,
    );
  }

  /** Drops lists that hold a changed comment (`changed`): the next read rebuilds them from MySQL. */
  drop(keys: readonly string[], changed: readonly string[] = []): Promise<void> {
    return dropSortedSets(this.redis, keys, changed);
  }
}
