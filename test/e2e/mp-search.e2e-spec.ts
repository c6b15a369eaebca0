import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const A = '1294287382374384100';
const B = '1294287382374384101';
/** An author with one long article (1 MiB of the editor's markup). */
const C = '1294287382374384102';
const SEARCH = '/mp/v1_0/search';

interface Item {
  id: string;
  title: string;
  status: number;
  cover: { type: number; images: string[] };
  pubdate: string;
}

interface Page {
  total_count: number;
  page: number;
  per_page: number;
  results: Item[];
}

/** About 1 MiB of paragraphs as the editor writes them, a tag every 20 characters or so. */
const LONG_CONTENT =
  '<p>Paragraph with <strong>bold</strong> and <a href="https://example.com/x">a link</a> text</p>'.repeat(
    11_000,
  );

/** Article ids in creation order (higher id = newer). */
const id = (n: number): string => String(1294287382374390000n + BigInt(n));

describe('media platform search of an author’s own articles (GET /mp/v1_0/search)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authA: Record<string, string>;

  const search = (query: string, headers = authA) =>
    mp.inject({ method: 'GET', url: `${SEARCH}?${query}`, headers });
  const found = async (query: string): Promise<Page> => {
    const reply = await search(query);
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: Page }>().data;
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: A, name: 'author-a' },
      { id: B, name: 'author-b' },
      { id: C, name: 'author-c' },
    ]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    const article = (
      n: number,
      authorId: string,
      title: string,
      status: number,
      content?: string,
    ) => ({
      id: id(n),
      authorId,
      channelId: 1,
      title,
      status,
      createdAt: `2026-01-0${n} 02:30:00`,
      content,
    });
    await seedArticles(stack, [
      { ...article(1, A, 'Rust ownership notes', 0), cover: { type: 1, images: [`${IMG}a.png`] } },
      article(2, A, 'Go and rust compared', 1),
      article(3, A, 'Python tips', 2, '<p>Borrowing ideas from <b>RUST</b></p>'),
      article(4, A, 'Rust article deleted', 4),
      article(5, B, 'Rust by another author', 2),
      article(6, A, 'Rust article banned', 5),
      article(7, A, 'Images of the week', 3, `<p><img src="${IMG}b.png">photos</p>`),
      article(8, A, 'Discount 100% off', 1),
      article(9, A, 'Files under C:\\temp', 0),
      { ...article(10, C, 'A long read', 2, LONG_CONTENT), createdAt: '2026-01-10 02:30:00' },
      {
        ...article(11, A, 'Lab notes', 2, '<p>Research at AT&amp;T: a&lt;b, x &gt; y</p>'),
        createdAt: '2026-01-11 02:30:00',
      },
      {
        ...article(
          12,
          A,
          'Reading list',
          1,
          '<p>机器<strong>学习</strong>入门 and <em>Ferr</em>is</p><p>apple</p><p>pie</p>',
        ),
        createdAt: '2026-01-12 02:30:00',
      },
    ]);
    mp = await stack.startMediaPlatform();
    authA = { authorization: `Bearer ${await stack.signIn(A, { verified: true, scope: 'mp' })}` };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('finds the author’s own articles in every status but deleted and banned, by title or text, newest first', async () => {
    expect(await found('q=rust')).toEqual({
      total_count: 3,
      page: 1,
      per_page: 10,
      results: [
        {
          id: id(3),
          title: 'Python tips',
          status: 2,
          cover: { type: 0, images: [] },
          pubdate: '2026-01-03 10:30:00',
        },
        {
          id: id(2),
          title: 'Go and rust compared',
          status: 1,
          cover: { type: 0, images: [] },
          pubdate: '2026-01-02 10:30:00',
        },
        {
          id: id(1),
          title: 'Rust ownership notes',
          status: 0,
          cover: { type: 1, images: [`${IMG}a.png`] },
          pubdate: '2026-01-01 10:30:00',
        },
      ],
    });
  });

  it('requires every word of the query, and matches no markup of the content', async () => {
    expect((await found('q=rust%20go')).results.map((item) => item.id)).toEqual([id(2)]);
    expect((await found('q=img')).total_count).toBe(0);
    expect((await found('q=photos')).results.map((item) => item.id)).toEqual([id(7)]);
  });

  it('matches the text as written, & < > as themselves, and not the entities that store them', async () => {
    expect((await found('q=AT%26T')).results.map((item) => item.id)).toEqual([id(11)]);
    expect((await found('q=a%3Cb%2C%20%3E')).results.map((item) => item.id)).toEqual([id(11)]);
    expect((await found('q=amp')).total_count).toBe(0);
    expect((await found('q=lt')).total_count).toBe(0);
  });

  it('reads a word through inline markup (bold, italics, links) but not across paragraphs', async () => {
    expect(
      (await found(`q=${encodeURIComponent('机器学习入门')}`)).results.map((item) => item.id),
    ).toEqual([id(12)]);
    expect((await found('q=Ferris')).results.map((item) => item.id)).toEqual([id(12)]);
    expect((await found('q=applepie')).total_count).toBe(0);
  });

  it('takes a Chinese query without spaces word by word, as a text written in any order', async () => {
    expect(
      (await found(`q=${encodeURIComponent('入门机器学习')}`)).results.map((item) => item.id),
    ).toEqual([id(12)]);
    expect(
      (await found(`q=${encodeURIComponent('学习入门机器')}`)).results.map((item) => item.id),
    ).toEqual([id(12)]);
    expect((await found(`q=${encodeURIComponent('入门深度学习')}`)).total_count).toBe(0);
  });

  it('takes % and _ as themselves', async () => {
    expect((await found('q=100%25')).results.map((item) => item.id)).toEqual([id(8)]);
    expect((await found('q=%25')).results.map((item) => item.id)).toEqual([id(8)]);
    expect((await found('q=_')).total_count).toBe(0);
    expect((await found('q=%5C')).results.map((item) => item.id)).toEqual([id(9)]);
    expect((await found('q=%5Ct')).results.map((item) => item.id)).toEqual([id(9)]);
  });

  it('pages with per_page 10–50 (default 10) and answers an empty page past the end', async () => {
    const page = await found('q=rust&page=2&per_page=10');
    expect(page).toEqual({ total_count: 3, page: 2, per_page: 10, results: [] });
  });

  it('refuses a missing or over-long q and bad paging with 400 keyed by the field', async () => {
    const cases: Array<[string, string]> = [
      ['', 'q'],
      ['q=', 'q'],
      [`q=${'x'.repeat(51)}`, 'q'],
      ['q=rust&page=0', 'page'],
      ['q=rust&page=x', 'page'],
      ['q=rust&per_page=9', 'per_page'],
      ['q=rust&per_page=51', 'per_page'],
    ];
    for (const [query, field] of cases) {
      const reply = await search(query);
      expect([
        query,
        reply.statusCode,
        Object.keys(reply.json<{ message: object }>().message),
      ]).toEqual([query, 400, [field]]);
    }
  });

  it('searches an article of 1 MiB of markup within the call’s deadline, its markup matching nothing', async () => {
    const authC = {
      authorization: `Bearer ${await stack.signIn(C, { verified: true, scope: 'mp' })}`,
    };
    const totalFor = async (q: string) => {
      const reply = await search(`q=${q}`, authC);
      return [q, reply.statusCode, reply.json<{ data?: Page }>().data?.total_count];
    };
    expect(await totalFor('strong')).toEqual(['strong', 200, 0]);
    expect(await totalFor('paragraph')).toEqual(['paragraph', 200, 1]);
  });

  it('answers 403 to an app token and 401 without one', async () => {
    const appToken = { authorization: `Bearer ${await stack.signIn(A)}` };
    expect((await search('q=rust', appToken)).statusCode).toBe(403);
    expect((await search('q=rust', {})).statusCode).toBe(401);
  });
});
