import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { dropRefusedKeywords } from './drop-refused-keywords';

describe('dropRefusedKeywords (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const keywords = async () =>
    (
      await dataSource.query<Array<{ keyword: string }>>(
        'SELECT keyword FROM news_search_keyword ORDER BY BINARY keyword',
      )
    ).map((row) => row.keyword);

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

  it('deletes every keyword holding a control character but tab, a page at a time, and keeps the others', async () => {
    // The collation ignores most control characters: '\u0001\u0002' sorts and compares as ''.
    const stored = ['\u0001\u0002', 'a\u0001b', 'line\nbreak', 'plain', 'tab\tkw', 'zz\u001b'];
    for (const keyword of stored)
      await dataSource.query('INSERT INTO news_search_keyword (keyword) VALUES (?)', [keyword]);

    await dropRefusedKeywords(dataSource, 2);

    expect(await keywords()).toEqual(['plain', 'tab\tkw']);
  });
});
