import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { CommentLikingsRepository } from './comment-likings.repository';

const READER = '1294287382374383617';
const OTHER_READER = '1294287382374383618';
const [LIKED, LIKED_TOO, UNLIKED, UNTOUCHED] = [
  '1400000000000000001',
  '1400000000000000002',
  '1400000000000000003',
  '1400000000000000004',
];

describe('CommentLikingsRepository likings (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: CommentLikingsRepository;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new CommentLikingsRepository(dataSource);
    await withTestConnection(database.settings, (query) =>
      query(
        'INSERT INTO news_comment_liking (user_id, comment_id, is_deleted) VALUES (?, ?, 0), (?, ?, 0), (?, ?, 1), (?, ?, 0)',
        [READER, LIKED, READER, LIKED_TOO, READER, UNLIKED, OTHER_READER, UNTOUCHED],
      ),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads a user's liked comments, at most one more than the limit", async () => {
    expect((await repository.likedCommentIds(READER, 10)).sort()).toEqual([LIKED, LIKED_TOO]);
    expect(await repository.likedCommentIds(READER, 1)).toHaveLength(2);
    expect(await repository.likedCommentIds(READER, 0)).toHaveLength(1);
  });

  it('reads the likings of the asked comments only, without taken-back ones or other readers', async () => {
    expect(await repository.likedAmong(READER, [LIKED, UNLIKED, UNTOUCHED])).toEqual([LIKED]);
    expect(await repository.likedAmong(READER, [])).toEqual([]);
  });
});
