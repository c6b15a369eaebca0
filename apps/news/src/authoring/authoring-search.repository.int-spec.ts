import { mysqlDataSourceOptions } from '@app/database';
import { AppError, ErrorKind } from '@app/grpc';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { NEWS_SCHEMA } from '../database/news-schema';
import { AuthoringRepository } from './authoring.repository';

const AUTHOR = '1294287382374383616';
/** Four articles of about 1 MiB of the editor's markup each. */
const LONG_ARTICLES = [
  '1300000000000000101',
  '1300000000000000102',
  '1300000000000000103',
  '1300000000000000104',
];
const LONG_CONTENT =
  '<p>Paragraph with <strong>bold</strong> and <a href="https://example.com/x">a link</a> text</p>'.repeat(
    11_000,
  );
/** Words every content's markup holds and its text does not, so every content is read. */
const MARKUP_WORDS = ['strong', 'href', 'example'];

describe('AuthoringRepository search of an author’s articles (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: AuthoringRepository;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new AuthoringRepository(dataSource);
    await withTestConnection(database.settings, async (query) => {
      for (const id of LONG_ARTICLES) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 'A long read', '{"type":0,"images":[]}', ?)`,
          [id, AUTHOR, ArticleStatus.Approved],
        );
        await query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
          id,
          LONG_CONTENT,
        ]);
      }
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('finds the words of the text within its time', async () => {
    const found = await repository.search({
      userId: AUTHOR,
      words: ['paragraph', 'link'],
      offset: 0,
      limit: 10,
      timeLimitMs: 60_000,
    });
    expect([found.total, found.rows.map((row) => row.id)]).toEqual([
      4,
      [...LONG_ARTICLES].reverse(),
    ]);
    const none = await repository.search({
      userId: AUTHOR,
      words: MARKUP_WORDS,
      offset: 0,
      limit: 10,
      timeLimitMs: 60_000,
    });
    expect([none.total, none.rows]).toEqual([0, []]);
  });

  it('stops the statement at its time limit, answering a timeout, where it read every content however long', async () => {
    const searching = repository.search({
      userId: AUTHOR,
      words: MARKUP_WORDS,
      offset: 0,
      limit: 10,
      timeLimitMs: 1,
    });
    await expect(searching).rejects.toBeInstanceOf(AppError);
    await expect(searching).rejects.toMatchObject({ kind: ErrorKind.Timeout });
  });
});
