import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { SearchKeywordsRepository } from './search-keywords.repository';

const TITLE_INDEX = 'idx_news_article_status_title';
const SUGGESTIONS = 10;

/** Titles of everyday articles; none starts with a prefix asked below. */
const FILLER_TITLE = `CONCAT(ELT(1 + seq % 6, '如何', 'Python', '人工智能', 'Vue3', '华为 Mate 60', '数据库'),
  ELT(1 + seq % 4, '的性能优化 ', ' 入门：', ' best practices ', '踩坑记录 '), seq)`;

/** How the table access of an executed query went (`ANALYZE FORMAT=JSON`). */
interface TableAccess {
  key: string;
  r_rows: number;
}

function tableAccessOf(node: unknown): TableAccess | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  const table = record.table as Partial<TableAccess> | undefined;
  if (table && typeof table.key === 'string' && typeof table.r_rows === 'number')
    return { key: table.key, r_rows: table.r_rows };
  for (const child of Object.values(record)) {
    const found = tableAccessOf(child);
    if (found) return found;
  }
  return undefined;
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

  /** Runs the repository's own statement under ANALYZE: the index it read and how many rows. */
  const analyzeSuggestion = async (prefix: string): Promise<TableAccess> => {
    const query = jest.spyOn(dataSource, 'query');
    try {
      await repository.titlesStartingWith(prefix, SUGGESTIONS);
      const [sql, parameters] = query.mock.calls[0];
      const [row] = await dataSource.query<Array<{ ANALYZE: string }>>(
        `ANALYZE FORMAT=JSON ${sql}`,
        parameters,
      );
      const access = tableAccessOf(JSON.parse(row.ANALYZE));
      if (!access) throw new Error(`no table access in ${row.ANALYZE}`);
      return access;
    } finally {
      query.mockRestore();
    }
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

  it('reads the titles that start with the prefix by the (status, title) index, as many rows for 30 000 more articles', async () => {
    const prefixes = ['Kubernetes', 'zzqx', 'Windows'];
    const analyzeAll = async () => {
      const accesses: TableAccess[] = [];
      for (const prefix of prefixes) accesses.push(await analyzeSuggestion(prefix));
      return accesses;
    };
    const before = await analyzeAll();

    await addArticles(10_001, 40_000, FILLER_TITLE);

    const after = await analyzeAll();
    // Each prefix's approved titles (markup included: the index holds it) and nothing else.
    const expected = [3, 0, 360].map((rows) => ({ key: TITLE_INDEX, r_rows: rows }));
    expect({ before, after }).toEqual({ before: expected, after: expected });
  });
});
