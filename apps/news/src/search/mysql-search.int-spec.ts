import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import type { ArticleIndexer } from './article-indexer';
import { createArticleIndexer } from './article-indexer.factory';
import { ArticleSearchRepository } from './article-search.repository';
import { MysqlSearchService } from './mysql-search.service';
import { SearchKeywordsRepository } from './search-keywords.repository';
import { SearchTokenizer } from './search-tokenizer';

const AUTHOR = '1294287382374383616';
let nextId = 1400000000000000000n;

describe('mysql search driver (real MariaDB FULLTEXT)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let indexer: ArticleIndexer;
  let search: MysqlSearchService;

  async function article(
    title: string,
    content: string,
    status = 2,
    createdAt = new Date(),
  ): Promise<string> {
    nextId += 1n;
    const id = nextId.toString();
    await dataSource.query(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time)
       VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', ?, ?)`,
      [id, AUTHOR, title, status, createdAt],
    );
    await dataSource.query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      id,
      content,
    ]);
    await indexer.indexArticle(id);
    return id;
  }

  const ids = async (q: string, page = 1, perPage = 10) =>
    (await search.search(q, page, perPage)).articleIds;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    indexer = createArticleIndexer(dataSource, {
      SEARCH_DRIVER: 'mysql',
      ELASTICSEARCH_URL: undefined,
    });
    search = new MysqlSearchService(
      new ArticleSearchRepository(dataSource),
      new SearchTokenizer(),
      new SearchKeywordsRepository(dataSource),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('ranks a title match above a content match, then newer above older', async () => {
    const older = await article('区块链 入门', '<p>内容一</p>', 2, new Date(Date.UTC(2026, 0, 1)));
    const inContent = await article(
      '别的标题',
      '<p>这篇讲区块链的原理</p>',
      2,
      new Date(Date.UTC(2026, 0, 3)),
    );
    const newer = await article('区块链 实战', '<p>内容二</p>', 2, new Date(Date.UTC(2026, 0, 2)));
    expect(await ids('区块链')).toEqual([newer, older, inContent]);
    expect((await search.search('区块链', 1, 10)).totalCount).toBe(3);
  });

  it('pages the hits and reports the total on every page', async () => {
    expect(await ids('区块链', 2, 2)).toHaveLength(1);
    await expect(search.search('区块链', 3, 2)).resolves.toEqual({ totalCount: 3, articleIds: [] });
  });

  it('requires every query word', async () => {
    const both = await article('Kubernetes 部署', '<p>运维 指南</p>');
    await article('Kubernetes 监控', '<p>告警</p>');
    expect(await ids('kubernetes 运维')).toEqual([both]);
  });

  it('is not derailed by operator characters or words that collide with InnoDB stopwords', async () => {
    const rust = await article('Rust 所有权', '<p>borrow checker</p>');
    expect(await ids('+rust -所有权 "borrow*')).toEqual([rust]);
    // `here` would become the stopword `where`: it is dropped instead of failing the whole query.
    expect(await ids('here rust')).toEqual([rust]);
    expect(await search.search('here', 1, 10)).toEqual({ totalCount: 0, articleIds: [] });
  });

  it('never returns an article that is not approved, even while its entry is still there', async () => {
    const id = await article('Haskell 单子', '<p>monad</p>');
    expect(await ids('haskell')).toEqual([id]);
    await dataSource.query('UPDATE news_article_basic SET status = 4 WHERE article_id = ?', [id]);
    expect(await ids('haskell')).toEqual([]);
    expect(await indexer.indexArticle(id)).toBe(false);
    expect(
      await dataSource.query('SELECT article_id FROM news_article_search WHERE article_id = ?', [
        id,
      ]),
    ).toEqual([]);
  });

  it('indexes an article again idempotently, following its edits', async () => {
    const id = await article('Elixir 并发', '<p>actor</p>');
    await dataSource.query(
      "UPDATE news_article_basic SET title = 'Erlang 并发' WHERE article_id = ?",
      [id],
    );
    expect(await indexer.indexArticle(id)).toBe(true);
    expect(await indexer.indexArticle(id)).toBe(true);
    expect(await ids('elixir')).toEqual([]);
    expect(await ids('erlang')).toEqual([id]);
    const rows: { n: string | number }[] = await dataSource.query(
      'SELECT COUNT(*) AS n FROM news_article_search WHERE article_id = ?',
      [id],
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('removes the entry of an article that does not exist', async () => {
    await expect(indexer.indexArticle('1499999999999999999')).resolves.toBe(false);
  });
});
