import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { CommentStatus } from '../comments/comment.entity';
import { NEWS_SCHEMA } from '../database/news-schema';
import { recountFansComments, settleUnknownFanComments } from './fans-comment-count.repair';

const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const ARTICLES = [1, 2, 3, 4, 5].map(id);
const [A1, A2, A3, A4, A5] = ARTICLES;
const AUTHOR = id(900);
const READER = id(901);

/** `fans_comment_count` by article id, as stored. */
async function fansCommentCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const rows = await dataSource.query<Array<{ id: string; count: number }>>(
    'SELECT article_id AS id, fans_comment_count AS count FROM news_article_statistic',
  );
  return Object.fromEntries(rows.map((row) => [row.id, row.count]));
}

describe('recountFansComments (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const counts = (): Promise<Record<string, number>> => fansCommentCounts(dataSource);

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    await withTestConnection(database.settings, async (query) => {
      for (const article of ARTICLES) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', 2)`,
          [article, AUTHOR],
        );
      }
      // [article, parent, status, by a fan]
      const comments: Array<[string, number | null, CommentStatus, number]> = [
        [A1, null, CommentStatus.Approved, 1],
        [A1, 1, CommentStatus.Approved, 1],
        [A1, null, CommentStatus.Approved, 0],
        [A2, null, CommentStatus.Deleted, 1],
        [A2, null, CommentStatus.Rejected, 1],
        [A3, null, CommentStatus.Approved, 1],
        [A5, null, CommentStatus.Approved, 1],
        [A5, null, CommentStatus.Approved, 1],
        [A5, null, CommentStatus.Approved, 1],
      ];
      for (const [index, [article, parent, status, byFan]] of comments.entries()) {
        await query(
          'INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, status, by_fan) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            id(100 + index),
            READER,
            article,
            parent === null ? null : id(100 + parent - 1),
            'c',
            status,
            byFan,
          ],
        );
      }
      // A1 has no statistic row; A2 and A4 hold counts that no comment backs.
      await query(
        'INSERT INTO news_article_statistic (article_id, fans_comment_count) VALUES (?, 4), (?, 0), (?, 9), (?, 1)',
        [A2, A3, A4, A5],
      );
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it.each([1, 2, 1_000])(
    'sets every article to its approved comments and replies by fans, in pages of %i articles',
    async (pageSize) => {
      await dataSource.query(
        'UPDATE news_article_statistic SET fans_comment_count = 7 WHERE article_id = ?',
        [A3],
      );
      await expect(recountFansComments(dataSource, pageSize)).resolves.toBe(3);
      expect(await counts()).toEqual({ [A1]: 2, [A2]: 0, [A3]: 1, [A4]: 0, [A5]: 3 });
    },
  );
});

describe('settleUnknownFanComments (real MariaDB)', () => {
  const FAN = id(902);
  const [B1, B2] = [id(11), id(12)];
  let database: TestDatabase;
  let dataSource: DataSource;

  const follows = (userId: string, targetUserId: string): Promise<boolean> =>
    Promise.resolve(userId === FAN && targetUserId === AUTHOR);
  const unknown = async (): Promise<number> => {
    const [{ n }] = await dataSource.query<Array<{ n: string | number }>>(
      'SELECT COUNT(*) AS n FROM news_comment WHERE by_fan IS NULL',
    );
    return Number(n);
  };
  const byFan = async (): Promise<Record<string, number | null>> => {
    const rows = await dataSource.query<Array<{ id: string; byFan: number | null }>>(
      'SELECT comment_id AS id, by_fan AS byFan FROM news_comment',
    );
    return Object.fromEntries(rows.map((row) => [row.id, row.byFan]));
  };
  const counts = (): Promise<Record<string, number>> => fansCommentCounts(dataSource);

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    await withTestConnection(database.settings, async (query) => {
      for (const article of [B1, B2]) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', 2)`,
          [article, AUTHOR],
        );
      }
      // [comment, article, commenter, status, by a fan: null when not known]
      const comments: Array<[number, string, string, CommentStatus, number | null]> = [
        [200, B1, FAN, CommentStatus.Approved, null],
        [201, B1, FAN, CommentStatus.Approved, null],
        [202, B1, READER, CommentStatus.Approved, null],
        [203, B1, FAN, CommentStatus.Deleted, null],
        [204, B1, READER, CommentStatus.Approved, 1],
        [205, B2, FAN, CommentStatus.Approved, null],
        [206, B2, AUTHOR, CommentStatus.Approved, null],
      ];
      for (const [comment, article, commenter, status, fan] of comments) {
        await query(
          'INSERT INTO news_comment (comment_id, user_id, article_id, content, status, by_fan) VALUES (?, ?, ?, ?, ?, ?)',
          [id(comment), commenter, article, 'c', status, fan],
        );
      }
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('leaves comments of unknown fan status uncounted and unchanged while the follows cannot be read', async () => {
    await expect(recountFansComments(dataSource)).resolves.toBe(1);
    expect(await counts()).toEqual({ [B1]: 1, [B2]: 0 });
    const unreachable = (): Promise<boolean> =>
      Promise.reject(new Error('14 UNAVAILABLE: No connection established'));
    await expect(settleUnknownFanComments(dataSource, unreachable, 2)).rejects.toThrow(
      'UNAVAILABLE',
    );
    expect(await unknown()).toBe(6);
  });

  it('settles them from the follows, the author never a fan, and the recount counts the approved fans’', async () => {
    await expect(settleUnknownFanComments(dataSource, follows, 2)).resolves.toBe(6);
    expect(await unknown()).toBe(0);
    expect(await byFan()).toEqual({
      [id(200)]: 1,
      [id(201)]: 1,
      [id(202)]: 0,
      [id(203)]: 1,
      [id(204)]: 1,
      [id(205)]: 1,
      [id(206)]: 0,
    });
    await expect(recountFansComments(dataSource)).resolves.toBe(2);
    expect(await counts()).toEqual({ [B1]: 3, [B2]: 1 });
    await expect(settleUnknownFanComments(dataSource, follows, 2)).resolves.toBe(0);
  });
});
