import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { NEWEST_APPROVED_WALKED, SearchKeywordsRepository } from './search-keywords.repository';

const TITLE_INDEX = 'idx_news_article_status_title';
const SUGGESTIONS = 10;

/** Titles of everyday articles, a sixth of them starting with 如; none with a rarer prefix asked below. */
const FILLER_TITLE = `CONCAT(ELT(1 + seq % 6, '如何', 'Python', '人工智能', 'Vue3', '华为 Mate 60', '数据库'),
  ELT(1 + seq % 4, '的性能优化 ', ' 入门：', ' best practices ', '踩坑记录 '), seq)`;

/** How the table accesses of an executed query went (`ANALYZE FORMAT=JSON`). */
interface TableAccess {
  key: string;
  r_rows: number;
}

function tableAccessesOf(node: unknown): TableAccess[] {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const table = record.table as Partial<TableAccess> | undefined;
  if (table && typeof table.key === 'string' && typeof table.r_rows === 'number')
    return [{ key: table.key, r_rows: table.r_rows }];
  return Object.values(record).flatMap(tableAccessesOf);
}

/** The indexes a suggestion read and how many rows it read from them, over all its statements. */
interface SuggestionReads {
  keys: string[];
  rowsRead: number;
}

describe('SearchKeywordsRepository.titlesStartingWith (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: SearchKeywordsRepository;

  /** Articles `from`..`to` (their ids), approved but every tenth, pending. */
  const addArticles = async (from: number, to: number, title: string) => {
    await dataSource.query(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status)
       SELECT seq, 1, 1, ${title}, '{"type":0,"images":[]}', IF(seq % 10 = 0, 1, 2)
       FROM seq_${from}_to_${to}`,
    );
    await dataSource.query('ANALYZE TABLE news_article_basic');
  };
  const addArticle = async (id: number, title: string, status = 2) => {
    await dataSource.query(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status)
       VALUES (?, 1, 1, ?, '{"type":0,"images":[]}', ?)`,
      [id, title, status],
    );
  };

  /** Runs the repository's own statements under ANALYZE: the indexes they read and how many rows. */
  const analyzeSuggestion = async (prefix: string): Promise<SuggestionReads> => {
    const query = jest.spyOn(dataSource, 'query');
    let calls: unknown[][];
    try {
      await repository.titlesStartingWith(prefix, SUGGESTIONS);
      calls = [...query.mock.calls];
    } finally {
      query.mockRestore();
    }
    const accesses: TableAccess[] = [];
    for (const [sql, parameters] of calls) {
      const [row] = await dataSource.query<Array<{ ANALYZE: string }>>(
        `ANALYZE FORMAT=JSON ${String(sql)}`,
        parameters as unknown[] | undefined,
      );
      const found = tableAccessesOf(JSON.parse(row.ANALYZE));
      if (found.length === 0) throw new Error(`no table access in ${row.ANALYZE}`);
      accesses.push(...found);
    }
    return {
      keys: [...new Set(accesses.map((access) => access.key))],
      rowsRead: accesses.reduce((sum, access) => sum + access.r_rows, 0),
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new SearchKeywordsRepository(dataSource);
    // The oldest articles share a prefix no newer one has (a product of years ago).
    await addArticles(1, 400, "CONCAT('Windows XP 技巧 ', seq)");
    await addArticles(401, 3000, FILLER_TITLE);
    await addArticle(3001, 'Kubernetes 滚动升级实践');
    await addArticle(3002, 'Kubernetes <img src=x onerror=alert(1)>');
    await addArticle(3003, 'Kubernetes 草稿', 1);
    await addArticle(3004, 'kubernetes 调度原理');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers the approved titles starting with the prefix in any letter case, newest first, none with markup', async () => {
    expect(await repository.titlesStartingWith('KUBERNETES', SUGGESTIONS)).toEqual([
      'kubernetes 调度原理',
      'Kubernetes 滚动升级实践',
    ]);
    expect(await repository.titlesStartingWith('Windows', 3)).toEqual([
      'Windows XP 技巧 399',
      'Windows XP 技巧 398',
      'Windows XP 技巧 397',
    ]);
    expect(await repository.titlesStartingWith('zzqx', SUGGESTIONS)).toEqual([]);
  });

  it('reads the titles that start with a rare prefix by the (status, title) index, no more rows for 30 000 more articles', async () => {
    // Each prefix's approved titles (markup included: the index holds it), after at most the
    // newest approved articles walked first.
    const bounds: Record<string, number> = {
      Kubernetes: NEWEST_APPROVED_WALKED + 3,
      zzqx: NEWEST_APPROVED_WALKED,
      Windows: NEWEST_APPROVED_WALKED + 360,
    };
    const analyzeAll = async () => {
      const reads: Record<string, SuggestionReads> = {};
      for (const prefix of Object.keys(bounds)) reads[prefix] = await analyzeSuggestion(prefix);
      return reads;
    };
    const check = (reads: Record<string, SuggestionReads>) => {
      for (const [prefix, bound] of Object.entries(bounds)) {
        expect({ prefix, ...reads[prefix] }).toMatchObject({
          prefix,
          keys: expect.arrayContaining([TITLE_INDEX]) as unknown,
        });
        expect(reads[prefix].rowsRead).toBeLessThanOrEqual(bound);
      }
    };
    check(await analyzeAll());

    await addArticles(10_001, 40_000, FILLER_TITLE);

    check(await analyzeAll());
  });

  it('reads only the newest articles for a one-letter prefix a sixth of the titles start with, however many there are', async () => {
    const idOf = (title: string) => Number(/\d+$/.exec(title)?.[0]);
    // Every sixth article, but those pending (every tenth), newest first.
    expect((await repository.titlesStartingWith('如', SUGGESTIONS)).map(idOf)).toEqual([
      39_996, 39_984, 39_978, 39_972, 39_966, 39_954, 39_948, 39_942, 39_936, 39_924,
    ]);
    const before = await analyzeSuggestion('如');

    await addArticles(40_001, 70_000, FILLER_TITLE);

    const after = await analyzeSuggestion('如');
    // Ten of them among the newest approved articles: those are read, not every such title.
    expect(before.rowsRead).toBeLessThanOrEqual(100);
    expect(after.rowsRead).toBeLessThanOrEqual(100);
    expect(await repository.titlesStartingWith('如', 1)).toEqual(['如何的性能优化 69996']);
  });
});
