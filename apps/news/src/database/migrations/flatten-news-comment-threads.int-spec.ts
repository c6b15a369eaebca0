import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../news-schema';
import { FlattenNewsCommentThreads1764440000000 } from './1764440000000-flatten-news-comment-threads';

const READER = '1294287382374383617';
const ART = '1300000000000000001';
const id = (index: number): string => String(1330000000000000000n + BigInt(index));
const TOP = id(1);
const REPLY = id(2);
const DEPTH_2 = id(3);
const DEPTH_3 = id(4);

/** As the code before one-level threads stored them: each reply under its target, counted there. */
const SEEDED: Array<[id: string, parentId: string | null, replyCount: number]> = [
  [TOP, null, 1],
  [REPLY, TOP, 1],
  [DEPTH_2, REPLY, 1],
  [DEPTH_3, DEPTH_2, 0],
];
/** What one uninterrupted run leaves. */
const FLATTENED = [
  [TOP, null, 3],
  [REPLY, TOP, 0],
  [DEPTH_2, TOP, 0],
  [DEPTH_3, TOP, 0],
];

class RunKilled extends Error {}

describe('news migration FlattenNewsCommentThreads run again after a run that died (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const migration = new FlattenNewsCommentThreads1764440000000();

  const sql = (query: string, params?: unknown[]) =>
    withTestConnection(database.settings, (run) => run(query, params));
  const comments = async () =>
    (
      (await sql(
        'SELECT comment_id, parent_id, reply_count FROM news_comment ORDER BY comment_id',
      )) as Array<{ comment_id: string; parent_id: string | null; reply_count: number }>
    ).map((row) => [row.comment_id, row.parent_id, row.reply_count]);
  /** Runs the migration on a connection that dies before the first statement `dieAt` matches. */
  const run = async (dieAt?: RegExp): Promise<void> => {
    const runner = dataSource.createQueryRunner();
    const dying = new Proxy(runner, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
        return async (query: string, parameters?: unknown[]) => {
          if (dieAt?.test(query)) throw new RunKilled(`killed before: ${query}`);
          return (await target.query(query, parameters)) as unknown;
        };
      },
    });
    try {
      await migration.up(dying);
    } catch (error) {
      if (!(error instanceof RunKilled)) throw error;
    } finally {
      await runner.release();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await sql('DELETE FROM news_comment');
    for (const [comment, parent, replies] of SEEDED)
      await sql(
        `INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, status, reply_count)
         VALUES (?, ?, ?, ?, ?, 1, ?)`,
        [comment, READER, ART, parent, `comment ${comment}`, replies],
      );
  });

  it('recounts the threads a reply joined and left when the run that moved it died before counting them', async () => {
    await run(/reply_count = /);
    await run();
    expect(await comments()).toEqual(FLATTENED);
  });

  it('changes nothing when run again after a whole run', async () => {
    await run();
    await run();
    expect(await comments()).toEqual(FLATTENED);
  });
});
