import type { MigrationInterface, QueryRunner } from 'typeorm';

import { CommentStatus } from '../../comments/comment.entity';

/** Replies read, and comments recounted, per statement. */
const BATCH = 1000;

interface ReplyRow {
  id: string;
  parentId: string;
  grandparentId: string | null;
  parentFound: number | string;
}

/**
 * A reply to a reply was stored under that reply until threads became one level deep; toutiao-m
 * lists the replies of top-level comments only, so those replies (and theirs, to any depth) were
 * never listed. Each is moved into the thread of the top-level comment its chain starts from, and
 * the `reply_count` of every comment a reply left or joined is counted again from its approved
 * replies, as the counter repair counts `count:art:reply`.
 *
 * A reply whose chain reaches a comment that no longer exists, or runs in a cycle, has no thread:
 * it is left as it is, unlisted as before, rather than shown out of context among the article's
 * comments.
 *
 * Statements read or write at most `BATCH` rows, and a batch's moves commit with the recount of
 * the comments they touch, so live traffic goes on and an interrupted run is run again; a second
 * run moves and recounts nothing (650 000 comments, 150 000 of them nested two or three deep:
 * 13 s, then 1 s). A reply posted to a reply by a news release older than one-level threads
 * while it still serves is nested again: run this once no such release serves (or delete its row
 * from `migrations_news` and run it again).
 *
 * Redis is not touched: `count:art:reply` of the threads stays short (a thread counted 0 lists
 * nothing) until the counter repair rebuilds it (`npm run counters:repair`, or the nightly run),
 * and a thread's cached list (`comm:{id}:reply`) lacks the moved replies until it expires (30 to
 * 40 minutes).
 */
export class FlattenNewsCommentThreads1764440000000 implements MigrationInterface {
  name = 'FlattenNewsCommentThreads1764440000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    let after = '0';
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT c.comment_id AS id, c.parent_id AS parentId, p.parent_id AS grandparentId, p.comment_id IS NOT NULL AS parentFound
         FROM news_comment c LEFT JOIN news_comment p ON p.comment_id = c.parent_id
         WHERE c.comment_id > CAST(? AS UNSIGNED) AND c.parent_id IS NOT NULL
         ORDER BY c.comment_id LIMIT ?`,
        [after, BATCH],
      )) as ReplyRow[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const nested = rows.filter(
        (row) => Number(row.parentFound) === 1 && row.grandparentId !== null,
      );
      const threads = await threadsOf(
        queryRunner,
        nested.map((row) => row.parentId),
      );
      const moves: Array<[id: string, thread: string]> = [];
      const recount = new Set<string>();
      for (const row of nested) {
        const thread = threads.get(row.parentId);
        if (thread === undefined) continue;
        moves.push([row.id, thread]);
        recount.add(thread).add(row.parentId);
      }
      if (moves.length === 0) continue;
      // Moved and recounted together: moved alone, a reply is no longer nested, so a run again
      // after a run that died in between would find nothing to move, and count nothing.
      await queryRunner.startTransaction();
      try {
        // Ids compared as numbers: a 64-bit id compared with a string is compared as a double.
        await queryRunner.query(
          `UPDATE news_comment SET update_time = update_time,
             parent_id = CASE comment_id ${moves.map(() => 'WHEN CAST(? AS UNSIGNED) THEN CAST(? AS UNSIGNED)').join(' ')} END
           WHERE comment_id IN (?)`,
          [...moves.flat(), moves.map(([id]) => id)],
        );
        await recountReplies(queryRunner, [...recount]);
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    }
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}

/** `reply_count` of `comments` counted again from their approved replies, `BATCH` a statement. */
async function recountReplies(
  queryRunner: QueryRunner,
  comments: readonly string[],
): Promise<void> {
  for (let start = 0; start < comments.length; start += BATCH) {
    const chunk = comments.slice(start, start + BATCH);
    await queryRunner.query(
      `UPDATE news_comment t
       LEFT JOIN (SELECT parent_id, COUNT(*) AS replies FROM news_comment
                  WHERE parent_id IN (?) AND status = ${CommentStatus.Approved} GROUP BY parent_id) r
         ON r.parent_id = t.comment_id
       SET t.reply_count = COALESCE(r.replies, 0), t.update_time = t.update_time
       WHERE t.comment_id IN (?)`,
      [chunk, chunk],
    );
  }
}

/**
 * The top-level comment each of `replies` belongs to, following parents a level per statement;
 * a reply whose chain reaches a missing comment or runs in a cycle has none.
 */
async function threadsOf(
  queryRunner: QueryRunner,
  replies: readonly string[],
): Promise<Map<string, string>> {
  const parents = new Map<string, string | null>();
  const missing = new Set<string>();
  const threads = new Map<string, string>();
  const walks = new Map([...new Set(replies)].map((id) => [id, { at: id, seen: new Set([id]) }]));
  while (walks.size > 0) {
    const unknown = [...new Set([...walks.values()].map((walk) => walk.at))].filter(
      (id) => !parents.has(id) && !missing.has(id),
    );
    if (unknown.length > 0) {
      const found = (await queryRunner.query(
        'SELECT comment_id AS id, parent_id AS parentId FROM news_comment WHERE comment_id IN (?)',
        [unknown],
      )) as Array<{ id: string; parentId: string | null }>;
      for (const row of found) parents.set(row.id, row.parentId);
      for (const id of unknown) if (!parents.has(id)) missing.add(id);
    }
    for (const [reply, walk] of walks) {
      const parent = parents.get(walk.at);
      if (parent === undefined) {
        walks.delete(reply);
      } else if (parent === null) {
        threads.set(reply, walk.at);
        walks.delete(reply);
      } else if (walk.seen.has(parent)) {
        walks.delete(reply);
      } else {
        walk.seen.add(parent);
        walk.at = parent;
      }
    }
  }
  return threads;
}
