import { mysqlDataSourceOptions } from '@app/database';
import {
  collectAsync,
  createTestDatabase,
  type TestDatabase,
  withTestConnection,
} from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { ArticleEntity, ArticleStatus } from './article.entity';
import { type AuthoredArticle, ArticlesRepository } from './articles.repository';

const AUTHOR = '1294287382374383616';
const OTHER_AUTHOR = '1294287382374383617';
/** The author's approved articles, ids out of creation order. */
const APPROVED = ['1300000000000000005', '1300000000000000001', '1300000000000000003'];

describe('ArticlesRepository author lists (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: ArticlesRepository;

  const chunksOf = (userId: string, chunkSize?: number): Promise<AuthoredArticle[][]> =>
    collectAsync(repository.approvedByAuthorInChunks(userId, chunkSize));

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new ArticlesRepository(dataSource.getRepository(ArticleEntity));
    const rows: Array<[string, string, ArticleStatus, string]> = [
      [APPROVED[0], AUTHOR, ArticleStatus.Approved, '2019-01-01 08:00:00'],
      [APPROVED[1], AUTHOR, ArticleStatus.Approved, '2019-01-03 08:00:00'],
      [APPROVED[2], AUTHOR, ArticleStatus.Approved, '2019-01-02 08:00:00'],
      ['1300000000000000002', AUTHOR, ArticleStatus.PendingReview, '2019-01-04 08:00:00'],
      ['1300000000000000004', AUTHOR, ArticleStatus.Banned, '2019-01-05 08:00:00'],
      ['1300000000000000006', OTHER_AUTHOR, ArticleStatus.Approved, '2019-01-06 08:00:00'],
    ];
    await withTestConnection(database.settings, async (query) => {
      for (const [id, userId, status, created] of rows) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', ?, ?)`,
          [id, userId, status, created],
        );
      }
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads an author's approved articles by id, a chunk at a time, with their creation times", async () => {
    const [whole] = await chunksOf(AUTHOR);
    expect(whole.map((article) => article.id)).toEqual([...APPROVED].sort());
    const created = new Map(whole.map((article) => [article.id, article.createTime.getTime()]));
    // One day apart, as inserted: 01-01 (…5), 01-02 (…3), 01-03 (…1).
    expect([
      created.get(APPROVED[2])! - created.get(APPROVED[0])!,
      created.get(APPROVED[1])! - created.get(APPROVED[2])!,
    ]).toEqual([86_400_000, 86_400_000]);

    const single = await chunksOf(AUTHOR, 1);
    expect(single.map((chunk) => chunk.map((article) => article.id))).toEqual(
      [...APPROVED].sort().map((id) => [id]),
    );
    const pairs = await chunksOf(AUTHOR, 2);
    expect(pairs.map((chunk) => chunk.length)).toEqual([2, 1]);
    expect(await chunksOf('1294287382374383699')).toEqual([]);
  });

  it("reads approved articles whole up to a size and measures the others' UTF-8 bytes without their contents", async () => {
    await withTestConnection(database.settings, async (query) => {
      await query("UPDATE news_article_basic SET title = '标题' WHERE article_id IN (?, ?)", [
        APPROVED[0],
        APPROVED[2],
      ]);
      await query(
        'INSERT INTO news_article_content (article_id, content) VALUES (?, ?), (?, ?), (?, ?)',
        [
          APPROVED[0],
          '<p>内容</p>',
          APPROVED[2],
          '<p>内容内容</p>',
          '1300000000000000002',
          '<p>in review</p>',
        ],
      );
    });
    const rows = await repository.findApprovedDetailsUpTo(
      [APPROVED[0], APPROVED[1], APPROVED[2], '1300000000000000002', '1300000000000000999'],
      6 + 13,
    );
    // 6 + 13 bytes, read; no content row: the title's byte; 6 + 19: measured, not read; not approved or unknown: absent.
    expect(rows.map((row) => [row.id, row.bytes, row.content]).sort()).toEqual(
      [
        [APPROVED[0], 6 + 13, '<p>内容</p>'],
        [APPROVED[1], 1, ''],
        [APPROVED[2], 6 + 19, null],
      ].sort(),
    );
  });
});
