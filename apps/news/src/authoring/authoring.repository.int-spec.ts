import { mysqlDataSourceOptions } from '@app/database';
import {
  collectAsync,
  createTestDatabase,
  type TestDatabase,
  withTestConnection,
} from '@app/testing';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { NEWS_SCHEMA } from '../database/news-schema';
import { AuthoringRepository } from './authoring.repository';

const AUTHOR = '1294287382374383616';
const OTHER_AUTHOR = '1294287382374383617';
/** The author's articles: id, status, reposts. */
const ARTICLES: Array<[string, ArticleStatus, number]> = [
  ['1300000000000000001', ArticleStatus.Approved, 3],
  ['1300000000000000002', ArticleStatus.Draft, 0],
  ['1300000000000000003', ArticleStatus.Approved, 4],
  ['1300000000000000004', ArticleStatus.Deleted, 100],
  ['1300000000000000005', ArticleStatus.Banned, 5],
  ['1300000000000000006', ArticleStatus.Approved, 0],
  ['1300000000000000007', ArticleStatus.Rejected, 0],
  ['1300000000000000008', ArticleStatus.PendingReview, 0],
];
/** No channel or time filter. */
const everyArticleOf = (userId: string) => ({ userId, channelIds: [] });
const COUNTED = ARTICLES.filter(([, status]) => status !== ArticleStatus.Deleted).map(([id]) => id);

describe('AuthoringRepository author totals (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: AuthoringRepository;

  const chunksOf = (userId: string, chunkSize?: number): Promise<string[][]> =>
    collectAsync(repository.authorArticleIdsInChunks(everyArticleOf(userId), chunkSize));

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new AuthoringRepository(dataSource);
    await withTestConnection(database.settings, async (query) => {
      const rows: Array<[string, string, ArticleStatus, number]> = [
        ...ARTICLES.map(
          ([id, status, reposts]) =>
            [id, AUTHOR, status, reposts] as [string, string, ArticleStatus, number],
        ),
        ['1300000000000000009', OTHER_AUTHOR, ArticleStatus.Approved, 50],
      ];
      for (const [id, userId, status, reposts] of rows) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', ?)`,
          [id, userId, status],
        );
        await query('INSERT INTO news_article_statistic (article_id, repost_count) VALUES (?, ?)', [
          id,
          reposts,
        ]);
      }
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads the ids of an author's articles that are not deleted, a chunk at a time per status", async () => {
    const whole = await chunksOf(AUTHOR);
    expect(whole.flat().sort()).toEqual(COUNTED);
    expect(whole.flat()).toHaveLength(new Set(whole.flat()).size);

    const pairs = await chunksOf(AUTHOR, 2);
    expect(pairs.flat().sort()).toEqual(COUNTED);
    expect(Math.max(...pairs.map((chunk) => chunk.length))).toBe(2);
    // Three approved articles: one full chunk and the rest.
    expect(pairs).toContainEqual(['1300000000000000001', '1300000000000000003']);
    expect(pairs).toContainEqual(['1300000000000000006']);
    expect(await chunksOf('1294287382374383699')).toEqual([]);
  });

  it("sums the reposts of an author's articles that are not deleted", async () => {
    expect(await repository.authorRepostCount(everyArticleOf(AUTHOR))).toBe(12);
    expect(await repository.authorRepostCount(everyArticleOf(OTHER_AUTHOR))).toBe(50);
    expect(await repository.authorRepostCount(everyArticleOf('1294287382374383699'))).toBe(0);
  });
});
