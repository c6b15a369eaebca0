import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { ReindexNewsSearchBeyondBmp1764490000000 } from '../database/migrations/1764490000000-reindex-news-search-beyond-bmp';
import { NEWS_SCHEMA } from '../database/news-schema';
import type { ArticleIndexer } from './article-indexer';
import { createArticleIndexer } from './article-indexer.factory';
import { ArticleSearchRepository } from './article-search.repository';
import { MysqlSearchService } from './mysql-search.service';
import { reindexSearchEntries } from './reindex-search-entries';
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

  it('is not derailed by operator characters', async () => {
    const rust = await article('Rust 所有权', '<p>borrow checker</p>');
    expect(await ids('+rust -所有权 "borrow*')).toEqual([rust]);
  });

  it('finds a word that the `w` prefix would have made an InnoDB stopword (`what`)', async () => {
    const hat = await article('Red Hat 发布新版本', '<p>发行版</p>');
    expect(await ids('hat')).toEqual([hat]);
    expect(await ids('red hat')).toEqual([hat]);
  });

  it('finds single-character words, Chinese and Latin', async () => {
    const cat = await article('我家的猫', '<p>每天睡很久</p>');
    const car = await article('停车指南', '<p>记得把车停好</p>');
    const c = await article('C 语言指针', '<p>内存</p>', 2, new Date(Date.UTC(2026, 0, 15)));
    expect(await ids('猫')).toEqual([cat]);
    expect(await ids('车')).toEqual([car]);
    expect(await ids('C')).toEqual([c]);
    expect(await ids('c')).toEqual([c]);
  });

  it('finds words written with characters beyond the BMP (𠮷, 𫓹), which the FULLTEXT parser splits at', async () => {
    const yoshinoya = await article('𠮷野家牛肉饭', '<p>快餐</p>');
    const story = await article('野家的故事', '<p>随笔</p>');
    const speech = await article('王𫓹的演讲', '<p>讲话</p>');
    expect(await ids('𠮷')).toEqual([yoshinoya]);
    // `𠮷` is a single character beside a word: it ranks, not narrows (see buildBooleanQuery).
    expect(await ids('𠮷野家')).toEqual([yoshinoya, story]);
    expect(await ids('王𫓹')).toEqual([speech]);
    expect(await ids('𫓹 演讲')).toEqual([speech]);
  });

  it('ranks by a single character beside a longer word without narrowing the hits', async () => {
    const r = await article('R 语言统计', '<p>向量</p>', 2, new Date(Date.UTC(2026, 1, 1)));
    const go = await article('Go 语言并发', '<p>通道</p>', 2, new Date(Date.UTC(2026, 1, 2)));
    const c = (await ids('C')).at(0);
    expect(await ids('语言')).toEqual([go, r, c]);
    expect(await ids('R 语言')).toEqual([r, go, c]);
  });

  it('answers a query of punctuation or spaces with no hits', async () => {
    for (const q of ['+-*', '   ', '的']) {
      await expect(search.search(q, 1, 10)).resolves.toEqual({ totalCount: 0, articleIds: [] });
    }
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

  it('indexes as many articles at once as the pool has connections, where each used to wait for a second one', async () => {
    const poolSize = 2;
    const small = await new DataSource(
      mysqlDataSourceOptions({ ...database.settings, MYSQL_POOL_SIZE: poolSize }, NEWS_SCHEMA),
    ).initialize();
    try {
      const smallIndexer = createArticleIndexer(small, {
        SEARCH_DRIVER: 'mysql',
        ELASTICSEARCH_URL: undefined,
      });
      const articles = await Promise.all(
        Array.from({ length: poolSize }, (_, n) => article(`连接池 测试 ${n}`, '<p>并发索引</p>')),
      );
      await dataSource.query('DELETE FROM news_article_search WHERE article_id IN (?)', [articles]);
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), 5_000);
      });
      const indexed = Promise.all(articles.map((id) => smallIndexer.indexArticle(id)));
      expect(await Promise.race([indexed, stalled])).toEqual(articles.map(() => true));
      clearTimeout(timer);
      expect((await ids('连接池')).sort()).toEqual([...articles].sort());
    } finally {
      await small.destroy();
    }
  });

  it('removes the entry of an article that does not exist', async () => {
    await expect(indexer.indexArticle('1499999999999999999')).resolves.toBe(false);
  });

  it('rewrites entries of the earlier format, so their single-character words are found', async () => {
    const upgraded = await article('小狗的窝', '<p>狗很开心</p>');
    const banned = await article('另一只狗', '<p>狗</p>');
    // As entries were written before single characters had terms: `狗` and `窝` are missing.
    for (const [id, tokens] of [
      [upgraded, 'w小狗 w小狗 w开心'],
      [banned, 'w另一只 w另一只'],
    ])
      await dataSource.query('UPDATE news_article_search SET tokens = ? WHERE article_id = ?', [
        tokens,
        id,
      ]);
    await dataSource.query('UPDATE news_article_basic SET status = 4 WHERE article_id = ?', [
      banned,
    ]);
    expect(await ids('狗')).toEqual([]);
    expect(await ids('小狗')).toEqual([upgraded]);

    const entries = await dataSource.query<{ n: string }[]>(
      'SELECT COUNT(*) AS n FROM news_article_search',
    );
    await expect(reindexSearchEntries(dataSource)).resolves.toBe(Number(entries[0].n));

    expect(await ids('狗')).toEqual([upgraded]);
    expect(await ids('窝')).toEqual([upgraded]);
    expect(await ids('小狗')).toEqual([upgraded]);
    expect(
      await dataSource.query('SELECT article_id FROM news_article_search WHERE article_id = ?', [
        banned,
      ]),
    ).toEqual([]);
  });

  it('rewrites the entries holding a character beyond the BMP as written before, and only those', async () => {
    const renamed = await article('𪚥先生的新书', '<p>出版</p>');
    const untouched = await article('别的新书', '<p>出版</p>');
    for (const [id, tokens] of [
      [renamed, 'w_𪚥 w先生 w新书 w_𪚥 w先生 w新书 w出版'],
      [untouched, 'w别的 w新书 w出版 wstale'],
    ])
      await dataSource.query('UPDATE news_article_search SET tokens = ? WHERE article_id = ?', [
        tokens,
        id,
      ]);
    expect(await ids('𪚥')).toEqual([]);

    const runner = dataSource.createQueryRunner();
    try {
      await new ReindexNewsSearchBeyondBmp1764490000000().up(runner);
    } finally {
      await runner.release();
    }

    expect(await ids('𪚥')).toEqual([renamed]);
    expect(await ids('stale')).toEqual([untouched]);
  });
});
