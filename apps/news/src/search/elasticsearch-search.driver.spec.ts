import { Client, errors } from '@elastic/elasticsearch';
import Mock, { type MockPattern } from '@elastic/elasticsearch-mock';

import { ArticleIndexer } from './article-indexer';
import { ElasticsearchSearchDriver } from './elasticsearch-search.driver';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

const ARTICLE_ID = '1294287382374383617';
const USER_ID = '1155989075455377414';

const notFound = () =>
  new errors.ResponseError({
    body: { error: { type: 'not_found' }, status: 404 },
    statusCode: 404,
    warnings: null,
    meta: {} as never,
  });

function newTestDriver(options: { indicesExist?: boolean } = {}) {
  const mock = new Mock();
  const calls: Call[] = [];
  const record =
    (response: (params: MockPattern) => Record<string, unknown> | string | Error) =>
    (params: MockPattern) => {
      calls.push({
        method: String(params.method),
        path: String(params.path),
        body: params.body ?? undefined,
      });
      return response(params) as Record<string, unknown>;
    };
  mock.add(
    { method: 'HEAD', path: ['/articles', '/completions'] },
    record(() => (options.indicesExist === false ? notFound() : '')),
  );
  mock.add(
    { method: 'PUT', path: ['/articles', '/completions'] },
    record(() => ({ acknowledged: true })),
  );
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  const driver = new ElasticsearchSearchDriver(client);
  const requests = (method: string, path: string) =>
    calls.filter((call) => call.method === method && call.path === path);
  return { mock, driver, client, calls, requests, record };
}

describe('ElasticsearchSearchDriver', () => {
  it('creates both indices with their mappings on first use when missing, once', async () => {
    const { mock, driver, requests, record } = newTestDriver({ indicesExist: false });
    mock.add(
      { method: 'PUT', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({ result: 'created' })),
    );
    const document = { articleId: ARTICLE_ID, title: 't', content: 'c' };
    await driver.index(document);
    await driver.index(document);

    const [articles] = requests('PUT', '/articles');
    expect(requests('PUT', '/articles')).toHaveLength(1);
    expect(articles?.body).toEqual({
      mappings: {
        properties: {
          article_id: { type: 'long' },
          user_id: { type: 'long' },
          title: { type: 'text', analyzer: 'cjk', term_vector: 'with_positions_offsets' },
          content: { type: 'text', analyzer: 'cjk' },
          status: { type: 'byte' },
          create_time: { type: 'date' },
        },
      },
    });
    expect(requests('PUT', '/completions')[0]?.body).toEqual({
      mappings: { properties: { suggest: { type: 'completion', analyzer: 'cjk' } } },
    });
  });

  it('accepts an index another instance created meanwhile, but not other failures', async () => {
    const { mock, driver, record } = newTestDriver({ indicesExist: false });
    const failure = (type: string) => () =>
      new errors.ResponseError({
        body: { error: { type }, status: 400 },
        statusCode: 400,
        warnings: null,
        meta: {} as never,
      });
    mock.clear({ method: 'PUT', path: ['/articles', '/completions'] });
    mock.add(
      { method: 'PUT', path: ['/articles', '/completions'] },
      record(failure('resource_already_exists_exception')),
    );
    mock.add(
      { method: 'DELETE', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({})),
    );
    await expect(driver.remove(ARTICLE_ID)).resolves.toBeUndefined();

    const other = newTestDriver({ indicesExist: false });
    other.mock.clear({ method: 'PUT', path: ['/articles', '/completions'] });
    other.mock.add(
      { method: 'PUT', path: ['/articles', '/completions'] },
      other.record(failure('mapper_parsing_exception')),
    );
    await expect(other.driver.remove(ARTICLE_ID)).rejects.toThrow(errors.ResponseError);
  });

  it('does not recreate indices that exist', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'DELETE', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({})),
    );
    await driver.remove(ARTICLE_ID);
    expect(requests('HEAD', '/articles')).toHaveLength(1);
    expect(requests('PUT', '/articles')).toHaveLength(0);
  });

  it('indexes an approved article under its id, as text, with author and time', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'PUT', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({ result: 'created' })),
    );
    await driver.index({
      articleId: ARTICLE_ID,
      title: 'Python 入门',
      content: '<p>发展&amp;趋势</p>',
      userId: USER_ID,
      createTime: new Date('2026-01-02T03:04:05Z'),
    });
    expect(requests('PUT', `/articles/_doc/${ARTICLE_ID}`)[0]?.body).toEqual({
      article_id: ARTICLE_ID,
      user_id: USER_ID,
      title: 'Python 入门',
      content: ' 发展&趋势 ',
      status: 2,
      create_time: '2026-01-02T03:04:05.000Z',
    });
  });

  it('removes an entry, and a missing entry is not an error', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add({ method: 'DELETE', path: `/articles/_doc/${ARTICLE_ID}` }, record(notFound));
    await expect(driver.remove(ARTICLE_ID)).resolves.toBeUndefined();
    expect(requests('DELETE', `/articles/_doc/${ARTICLE_ID}`)).toHaveLength(1);
  });

  it('searches approved articles only, paged, without sources, and maps hits to ids and total', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'POST', path: '/articles/_search' },
      record(() => ({
        hits: { total: { value: 23, relation: 'eq' }, hits: [{ _id: '11' }, { _id: '12' }] },
      })),
    );
    await expect(driver.search('发展 趋势', 3, 10)).resolves.toEqual({
      totalCount: 23,
      articleIds: ['11', '12'],
    });
    expect(requests('POST', '/articles/_search')[0]?.body).toEqual(
      expect.objectContaining({
        query: {
          bool: {
            must: [
              {
                multi_match: {
                  query: '发展 趋势',
                  fields: ['title^2', 'content'],
                  type: 'cross_fields',
                  operator: 'and',
                },
              },
            ],
            filter: [{ term: { status: 2 } }],
          },
        },
        _source: false,
        from: 20,
        size: 10,
        track_total_hits: true,
      }),
    );
  });

  it('answers a page past the first 10,000 hits (index.max_result_window) with its total and no hits, where Elasticsearch refused the search', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'POST', path: '/articles/_search' },
      record((params) => {
        const { from = 0, size = 10 } = params.body as { from?: number; size?: number };
        // Elasticsearch refuses a window past index.max_result_window (10,000 by default).
        if (from + size > 10_000)
          return new errors.ResponseError({
            body: { error: { type: 'illegal_argument_exception' }, status: 400 },
            statusCode: 400,
            warnings: null,
            meta: {} as never,
          });
        return {
          hits: {
            total: { value: 12_345, relation: 'eq' },
            hits: Array.from({ length: Math.min(size, 12_345 - from) }, (_, i) => ({
              _id: String(from + i + 1),
            })),
          },
        };
      }),
    );
    await expect(driver.search('发展', 1001, 10)).resolves.toEqual({
      totalCount: 12_345,
      articleIds: [],
    });
    await expect(driver.search('发展', 2_147_483_647, 50)).resolves.toEqual({
      totalCount: 12_345,
      articleIds: [],
    });
    // The last page inside the window answers the hits it still holds.
    await expect(driver.search('发展', 200, 50)).resolves.toEqual({
      totalCount: 12_345,
      articleIds: Array.from({ length: 50 }, (_, i) => String(9_951 + i)),
    });
    await expect(driver.search('发展', 334, 30)).resolves.toEqual({
      totalCount: 12_345,
      articleIds: Array.from({ length: 10 }, (_, i) => String(9_991 + i)),
    });
    expect(requests('POST', '/articles/_search')).toHaveLength(4);
  });

  it('suggests completions of saved keywords', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'POST', path: '/completions/_search' },
      record(() => ({
        hits: { hits: [] },
        suggest: {
          'word-completion': [
            { text: '发', offset: 0, length: 1, options: [{ text: '发展' }, { text: '发布会' }] },
          ],
        },
      })),
    );
    await expect(driver.suggest('发', 10)).resolves.toEqual(['发展', '发布会']);
    expect(requests('POST', '/completions/_search')[0]?.body).toEqual(
      expect.objectContaining({
        suggest: {
          'word-completion': {
            prefix: '发',
            completion: { field: 'suggest', size: 20, skip_duplicates: true },
          },
        },
      }),
    );
    expect(requests('POST', '/articles/_search')).toHaveLength(0);
  });

  it('falls back to approved titles starting with the prefix when no keyword completes it', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'POST', path: '/completions/_search' },
      record(() => ({
        hits: { hits: [] },
        suggest: { 'word-completion': [{ text: 'py', offset: 0, length: 2, options: [] }] },
      })),
    );
    mock.add(
      { method: 'POST', path: '/articles/_search' },
      record(() => ({
        hits: {
          total: { value: 1, relation: 'eq' },
          hits: [{ _id: '11', _source: { title: 'Python 入门' } }],
        },
      })),
    );
    await expect(driver.suggest('py', 10)).resolves.toEqual(['Python 入门']);
    expect(requests('POST', '/articles/_search')[0]?.body).toEqual(
      expect.objectContaining({
        query: {
          bool: {
            must: [{ match_phrase_prefix: { title: { query: 'py' } } }],
            filter: [{ term: { status: 2 } }],
          },
        },
        size: 20,
      }),
    );
  });

  it('leaves out options that open markup without leaving a gap, and falls back to titles when only such keywords complete the prefix', async () => {
    const { mock, driver } = newTestDriver();
    const completions = [{ text: 'py<b>' }, { text: 'py<i>' }];
    mock.add({ method: 'POST', path: '/completions/_search' }, () => ({
      hits: { hits: [] },
      suggest: { 'word-completion': [{ text: 'py', offset: 0, length: 2, options: completions }] },
    }));
    mock.add({ method: 'POST', path: '/articles/_search' }, () => ({
      hits: {
        total: { value: 3, relation: 'eq' },
        hits: ['Python<img>', 'Python 入门', 'Python 进阶'].map((title, i) => ({
          _id: String(i + 1),
          _source: { title },
        })),
      },
    }));
    await expect(driver.suggest('py', 2)).resolves.toEqual(['Python 入门', 'Python 进阶']);
    completions.push({ text: 'python' }, { text: 'pytest' });
    await expect(driver.suggest('py', 1)).resolves.toEqual(['python']);
  });

  it('leaves out saved keywords holding a control character but tab, which the search refuses now', async () => {
    const { mock, driver } = newTestDriver();
    mock.add({ method: 'POST', path: '/completions/_search' }, () => ({
      hits: { hits: [] },
      suggest: {
        'word-completion': [
          {
            text: 'py',
            offset: 0,
            length: 2,
            options: ['py\u0000', 'py\u001b[31m', 'py\nline', 'py\ttab', 'python'].map((text) => ({
              text,
            })),
          },
        ],
      },
    }));
    await expect(driver.suggest('py', 3)).resolves.toEqual(['py\ttab', 'python']);
  });

  it('saves a keyword once per keyword (case-insensitive) to completions', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'PUT', path: '/completions/_doc/python' },
      record(() => ({ result: 'created' })),
    );
    await driver.saveKeyword('Python');
    expect(requests('PUT', '/completions/_doc/python')[0]?.body).toEqual({
      suggest: { input: ['Python'], weight: 20 },
    });
  });

  it('retries creating the indices after Elasticsearch was unreachable', async () => {
    const { mock, driver, requests, record } = newTestDriver();
    mock.clear({ method: 'HEAD', path: ['/articles', '/completions'] });
    mock.add(
      { method: 'HEAD', path: ['/articles', '/completions'] },
      record(
        () =>
          new errors.ResponseError({
            body: { status: 503 },
            statusCode: 503,
            warnings: null,
            meta: {} as never,
          }),
      ),
    );
    await expect(driver.remove(ARTICLE_ID)).rejects.toThrow();
    mock.clear({ method: 'HEAD', path: ['/articles', '/completions'] });
    mock.add(
      { method: 'HEAD', path: ['/articles', '/completions'] },
      record(() => ''),
    );
    mock.add(
      { method: 'DELETE', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({})),
    );
    await expect(driver.remove(ARTICLE_ID)).resolves.toBeUndefined();
    expect(requests('DELETE', `/articles/_doc/${ARTICLE_ID}`)).toHaveLength(1);
  });
});

describe('ArticleIndexer with the es driver', () => {
  function newIndexer(row: Record<string, unknown> | undefined) {
    const { mock, driver, requests, record } = newTestDriver();
    mock.add(
      { method: 'PUT', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({})),
    );
    mock.add(
      { method: 'DELETE', path: `/articles/_doc/${ARTICLE_ID}` },
      record(() => ({})),
    );
    const manager = { query: jest.fn().mockResolvedValue(row ? [row] : []) };
    const dataSource = {
      transaction: (work: (m: typeof manager) => Promise<boolean>) => work(manager),
    };
    const indexer = new ArticleIndexer(dataSource as never, driver);
    return { indexer, requests };
  }

  const row = (status: number) => ({
    article_id: ARTICLE_ID,
    user_id: USER_ID,
    title: 'Go',
    status,
    create_time: new Date('2026-01-02T03:04:05Z'),
    content: '<p>go</p>',
  });

  it('indexes an approved article with its author and creation time', async () => {
    const { indexer, requests } = newIndexer(row(2));
    await expect(indexer.indexArticle(ARTICLE_ID)).resolves.toBe(true);
    expect(requests('PUT', `/articles/_doc/${ARTICLE_ID}`)[0]?.body).toEqual(
      expect.objectContaining({ user_id: USER_ID, create_time: '2026-01-02T03:04:05.000Z' }),
    );
  });

  it.each([
    ['an unapproved article', row(1)],
    ['a deleted article', undefined],
  ])('removes %s from the index', async (_case, article) => {
    const { indexer, requests } = newIndexer(article);
    await expect(indexer.indexArticle(ARTICLE_ID)).resolves.toBe(false);
    expect(requests('DELETE', `/articles/_doc/${ARTICLE_ID}`)).toHaveLength(1);
    expect(requests('PUT', `/articles/_doc/${ARTICLE_ID}`)).toHaveLength(0);
  });
});
