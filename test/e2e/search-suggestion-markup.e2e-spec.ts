import { SearchService } from '../../apps/news/src/search/search.service';

import {
  type ArticleStack,
  type SeedArticle,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';

const MARKUP_TITLE = '1500000000000000001';
const PLAIN_TITLE = '1500000000000000002';

const FIXTURES: SeedArticle[] = [
  {
    id: MARKUP_TITLE,
    authorId: AUTHOR,
    channelId: 1,
    title: 'Python<img src=x onerror=alert(1)>',
    status: 2,
    createdAt: '2026-01-02 03:04:05',
    content: '<p>Python svg onload alert 1</p>',
  },
  {
    id: PLAIN_TITLE,
    authorId: AUTHOR,
    channelId: 1,
    title: 'Python 入门',
    status: 2,
    createdAt: '2026-01-02 03:04:06',
    content: '<p>变量与函数</p>',
  },
];

/**
 * toutiao-m renders each suggestion with `v-html` (search-suggestion.vue), so an option holding
 * markup runs in the browser of every reader whose typing it completes, beside their stored token.
 */
describe('search suggestions never carry markup', () => {
  let stack: ArticleStack;
  let token: string;

  const get = (url: string, signedIn = false) =>
    stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0${url}`,
      headers: signedIn ? { authorization: `Bearer ${token}` } : {},
    });
  const suggest = async (q: string): Promise<string[]> => {
    const response = await get(`/suggestion?q=${encodeURIComponent(q)}`);
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { options: string[] } }>().data.options;
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await seedArticles(stack, FIXTURES);
    const engine = stack.newsService!.get(SearchService);
    for (const fixture of FIXTURES) {
      await engine.index({
        articleId: fixture.id,
        title: fixture.title,
        content: fixture.content ?? '',
      });
    }
    token = await stack.signIn(READER);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('leaves out a title with markup, still completing the plain one', async () => {
    expect(await suggest('Pyth')).toEqual(['Python 入门']);
  });

  it('saves no keyword with markup from a search that found articles, which still answers and joins the history', async () => {
    const keyword = 'Python<svg onload=alert(1)>';
    const response = await get(`/search?q=${encodeURIComponent(keyword)}`, true);
    expect(response.statusCode).toBe(200);
    expect(
      response
        .json<{ data: { results: Array<{ art_id: string }> } }>()
        .data.results.map((card) => card.art_id),
    ).toEqual([MARKUP_TITLE]);
    const history = await get('/search/histories', true);
    expect(history.json<{ data: { keywords: string[] } }>().data.keywords).toEqual([keyword]);
    expect(await stack.sql('SELECT keyword FROM news_search_keyword')).toEqual([]);
    expect(await suggest('Pyth')).toEqual(['Python 入门']);
  });

  it('leaves out a saved keyword with markup (stored before it was refused)', async () => {
    await stack.sql(
      'INSERT INTO news_search_keyword (keyword, search_count) VALUES (?, 50), (?, 1) ON DUPLICATE KEY UPDATE search_count = VALUES(search_count)',
      ['Python<svg onload=alert(1)>', 'Python 教程'],
    );
    expect(await suggest('Pyth')).toEqual(['Python 教程', 'Python 入门']);
  });

  it('still suggests 10 when the most searched keywords starting so hold markup', async () => {
    const marked = Array.from({ length: 10 }, (_, i) => `Rust<i>${i}</i>`);
    const plain = Array.from({ length: 12 }, (_, i) => `Rust ${String(i + 1).padStart(2, '0')}`);
    for (const [keyword, count] of [
      ...marked.map((keyword) => [keyword, 100] as const),
      ...plain.map((keyword) => [keyword, 1] as const),
    ]) {
      await stack.sql('INSERT INTO news_search_keyword (keyword, search_count) VALUES (?, ?)', [
        keyword,
        count,
      ]);
    }
    expect(await suggest('Rus')).toEqual(plain.slice(0, 10));
  });
});
