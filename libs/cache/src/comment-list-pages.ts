import type Redis from 'ioredis';

import {
  formatScore,
  needsTieGroup,
  parseWithScores,
  type ScoredComment,
  withTieGroup,
} from './comment-cursor';

/** One page of a comment list, with what the response says about the whole list. */
export interface CommentListPage {
  totalCount: number;
  /** The lowest score of the list; undefined when it is empty. */
  endScore: number | undefined;
  members: ScoredComment[];
}

/**
 * The page after `offset` (undefined: the first page) of the cached comment list `key`
 * (`art:{id}:comm`, `comm:{id}:reply`), or undefined when the list is not cached. A page that
 * stops inside a group of equal scores is completed with the whole group (see comment-cursor).
 */
export async function readCommentListPage(
  redis: Redis,
  key: string,
  offset: number | undefined,
  limit: number,
): Promise<CommentListPage | undefined> {
  const multi = redis.multi().zcard(key).zrange(key, 0, 0, 'WITHSCORES');
  if (offset === undefined) multi.zrevrange(key, 0, limit, 'WITHSCORES');
  else
    multi.zrevrangebyscore(
      key,
      `(${formatScore(offset)}`,
      '-inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit + 1,
    );
  const replies = await multi.exec();
  if (!replies) return undefined;
  for (const [error] of replies) if (error) throw error;
  const [total, lowest, page] = replies.map(([, value]) => value) as [number, string[], string[]];
  if (total === 0) return undefined;
  const fetched = parseWithScores(page);
  let members = fetched.slice(0, limit);
  if (needsTieGroup(fetched, limit)) {
    const boundary = formatScore(fetched[limit - 1].score);
    const group = parseWithScores(
      await redis.zrevrangebyscore(key, boundary, boundary, 'WITHSCORES'),
    );
    // Expired in between: read as a list not cached rather than answered as a short page.
    if (group.length === 0) return undefined;
    members = withTieGroup(fetched, limit, group);
  }
  return { totalCount: total, endScore: parseWithScores(lowest)[0]?.score, members };
}
