import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { CommentStatus } from '../comments/comment.entity';
import { NEWS_SCHEMA } from '../database/news-schema';
import { recountFansComments } from './fans-comment-count.repair';

const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const ARTICLES = [1, 2, 3, 4, 5].map(id);
const [A1, A2, A3, A4, A5] = ARTICLES;
const AUTHOR = id(900);
const READER = id(901);

describe('recountFansComments (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const counts = async (): Promise<Record<string, number>> => {
    const rows = await dataSource.query<Array<{ id: string; count: number }>>(
      'SELECT article_id AS id, fans_comment_count AS count FROM news_article_statistic',
    );
    return Object.fromEntries(rows.map((row) => [row.id, row.count]));
  };

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
