/**
 * The comment list cursor as the gateway reads cached lists. These rules mirror the news
 * service's apps/news/src/comments/comment-cursor.ts, which builds the lists: scores are the
 * doubles Redis holds, sent as the exact integers they equal, and a page never ends inside a
 * group of equal scores. Both must stay in step.
 */

/** A zset member and its score (a double, as Redis keeps it). */
export interface ScoredComment {
  id: string;
  score: number;
}

/** A score as sent to clients and to Redis: the exact decimal integer the double equals. */
export function formatScore(score: number): string {
  return BigInt(score).toString();
}

/** The score a client's `offset` stands for (validated digits). */
export function parseCursor(value: string): number {
  return Number(BigInt(value));
}

/** Whether a page read with `limit + 1` members stops inside a group of equal scores. */
export function needsTieGroup(fetched: readonly ScoredComment[], limit: number): boolean {
  return fetched.length > limit && fetched[limit].score === fetched[limit - 1].score;
}

/** Completes such a page: the members above the boundary score, then the whole group at it. */
export function withTieGroup(
  fetched: readonly ScoredComment[],
  limit: number,
  group: readonly ScoredComment[],
): ScoredComment[] {
  const boundary = fetched[limit - 1].score;
  return [...fetched.filter((comment) => comment.score > boundary), ...group];
}

/** Turns ioredis WITHSCORES replies (member, score, member, score, ...) into scored members. */
export function parseWithScores(reply: readonly string[]): ScoredComment[] {
  const members: ScoredComment[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    members.push({ id: reply[index], score: Number(reply[index + 1]) });
  }
  return members;
}
