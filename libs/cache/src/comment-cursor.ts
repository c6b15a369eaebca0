/**
 * The comment list cursor (reference 4.4). A list is a zset of comment id -> score, where the
 * score is the creation time in seconds, plus 2e19 for sticky comments. Redis keeps scores as
 * doubles, and 2e19 + t is beyond 2^53, so every score here is the double Redis holds, and on the
 * wire it is the exact integer that double equals: parsing it back gives the same double, so the
 * `last_id` a client echoes as `offset` always lands on the same boundary.
 *
 * The news service builds and reads these lists, the gateway reads them too: both with these rules.
 */

/** Added to sticky comments' scores so they sort before every other comment. */
export const STICKY_SCORE_BONUS = 20_000_000_000_000_000_000n;

/** A client's `offset`: a non-negative integer of at most 20 digits (every score fits). */
export const COMMENT_CURSOR = /^\d{1,20}$/;

/** A zset member and its score (a double, as Redis keeps it). */
export interface ScoredComment {
  id: string;
  score: number;
}

/** The zset score of a comment. */
export function commentScore(createdAt: Date, isTop: boolean): number {
  const seconds = BigInt(Math.floor(createdAt.getTime() / 1000));
  return Number(isTop ? seconds + STICKY_SCORE_BONUS : seconds);
}

/** A score as sent to clients and to Redis: the exact decimal integer the double equals. */
export function formatScore(score: number): string {
  return BigInt(score).toString();
}

/** The score a client's `offset` stands for, or undefined when it is not a non-negative integer. */
export function parseCursor(value: string): number | undefined {
  return COMMENT_CURSOR.test(value) ? Number(BigInt(value)) : undefined;
}

/** ZREVRANGE order: higher score first; equal scores by member in descending byte order. */
export function compareForPage(a: ScoredComment, b: ScoredComment): number {
  if (a.score !== b.score) return b.score > a.score ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/**
 * Cuts a page from `candidates` (in page order, all below the cursor). A page never ends inside a
 * group of equal scores: the cursor is a bare score, so a group split across two pages would lose
 * its tail. Such a page is longer than `limit` by the rest of the group.
 */
export function cutPage(candidates: readonly ScoredComment[], limit: number): ScoredComment[] {
  if (candidates.length <= limit) return [...candidates];
  const boundary = candidates[limit - 1].score;
  let end = limit;
  while (end < candidates.length && candidates[end].score === boundary) end += 1;
  return candidates.slice(0, end);
}

/** The page after `offset` (undefined = the first page) of a whole list in page order. */
export function selectPage(
  sorted: readonly ScoredComment[],
  offset: number | undefined,
  limit: number,
): ScoredComment[] {
  const start = offset === undefined ? 0 : sorted.findIndex((comment) => comment.score < offset);
  return start < 0 ? [] : cutPage(sorted.slice(start), limit);
}

/**
 * Whether a page read from Redis with `limit + 1` members stops inside a group of equal scores,
 * and so needs the whole group (ZREVRANGEBYSCORE s s) to be complete.
 */
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

/** A page's `end_id` (the list's lowest score) and `last_id` (its own last score), '' when absent. */
export function pageCursors(
  endScore: number | undefined,
  members: readonly ScoredComment[],
): { endId: string; lastId: string } {
  const last = members.at(-1);
  return {
    endId: endScore === undefined ? '' : formatScore(endScore),
    lastId: last ? formatScore(last.score) : '',
  };
}

/** Turns ioredis WITHSCORES replies (member, score, member, score, ...) into scored members. */
export function parseWithScores(reply: readonly string[]): ScoredComment[] {
  const members: ScoredComment[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    members.push({ id: reply[index], score: Number(reply[index + 1]) });
  }
  return members;
}
