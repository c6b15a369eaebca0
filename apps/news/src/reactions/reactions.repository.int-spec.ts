import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { ArticleAttitude } from './attitude-transition';
import { ReactionsRepository } from './reactions.repository';

const READER = '1294287382374383617';
const OTHER_READER = '1294287382374383618';
const [LIKED, DISLIKED, CLEARED, UNTOUCHED] = [
  '1300000000000000001',
  '1300000000000000002',
  '1300000000000000003',
  '1300000000000000004',
];

describe('ReactionsRepository attitudes (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: ReactionsRepository;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new ReactionsRepository(dataSource);
    await withTestConnection(database.settings, (query) =>
      query(
        'INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1), (?, ?, 0), (?, ?, NULL), (?, ?, 1)',
        [READER, LIKED, READER, DISLIKED, READER, CLEARED, OTHER_READER, UNTOUCHED],
      ),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads a user's likes and dislikes, at most one more than the limit", async () => {
    const byArticle = (rows: Array<{ articleId: string; attitude: ArticleAttitude }>) =>
      Object.fromEntries(rows.map((row) => [row.articleId, row.attitude]));
    expect(byArticle(await repository.findAttitudes(READER, 10))).toEqual({
      [LIKED]: ArticleAttitude.Like,
      [DISLIKED]: ArticleAttitude.Dislike,
    });
    expect(await repository.findAttitudes(READER, 1)).toHaveLength(2);
    expect(await repository.findAttitudes(READER, 0)).toHaveLength(1);
  });

  it('reads the attitudes of the asked articles only, without cleared ones or other readers', async () => {
    expect(await repository.attitudesAmong(READER, [LIKED, CLEARED, UNTOUCHED])).toEqual([
      { articleId: LIKED, attitude: ArticleAttitude.Like },
    ]);
    expect(await repository.attitudesAmong(READER, [])).toEqual([]);
  });
});
