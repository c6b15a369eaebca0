import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CounterKeys } from '@app/cache';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

import { AnonymousArticlePages } from '../../apps/gateway/src/articles/anonymous-article-pages';
import { HotCounters } from '../../apps/gateway/src/articles/hot-counters';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const ARTICLE = '1300000000000000001';
const MISSING = '1300000000000000999';
/** The origin the mobile web app is served from: not the API's. */
const APP_ORIGIN = 'http://localhost:8080';
const TRACE =
  '{"action":"click","userId":"1294287382374383616","articleId":"1300000000000000001","algorithmCombine":"C2"}';
/** A stored image's name: its content hash. */
const IMAGE_KEY = `${'ab'.repeat(32)}.png`;

/** What a browser sends before a call with a token (and a Trace header) from another origin. */
const preflight = (
  method: string,
  url: string,
  requestHeaders = 'authorization',
): InjectOptions => ({
  method: 'OPTIONS',
  url,
  headers: {
    origin: APP_ORIGIN,
    'access-control-request-method': method,
    'access-control-request-headers': requestHeaders,
  },
});

describe('gateway CORS: the mobile web app calls the API from an origin of its own', () => {
  let stack: ArticleStack;
  let uploads: string;

  const send = (options: InjectOptions): Promise<LightMyRequestResponse> =>
    stack.gateway.inject({ ...options, headers: { origin: APP_ORIGIN, ...options.headers } });
  const reads = async (): Promise<number> => {
    await stack.gateway.get(HotCounters).flush();
    return Number((await stack.state.zscore(CounterKeys.articleReads, ARTICLE)) ?? 0);
  };

  beforeAll(async () => {
    uploads = mkdtempSync(join(tmpdir(), 'tt-cors-'));
    writeFileSync(join(uploads, IMAGE_KEY), Buffer.from('89504e470d0a1a0a', 'hex'));
    stack = await startArticleStack({ STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: uploads });
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'cross-origin news',
        status: 2,
        createdAt: '2019-03-11 16:30:05',
      },
    ]);
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  it.each([
    ['PATCH', '/app/v1_0/user/channels', 'authorization'],
    ['DELETE', `/app/v1_0/article/likings/${ARTICLE}`, 'authorization'],
    ['PUT', '/app/v1_0/authorizations', 'authorization,trace'],
  ])(
    'answers the preflight of %s %s with 204 and what the browser asked for, before any guard',
    async (method, url, requestHeaders) => {
      const answer = await stack.gateway.inject(preflight(method, url, requestHeaders));
      expect(answer.statusCode).toBe(204);
      expect(answer.payload).toBe('');
      expect(answer.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-allow-headers': requestHeaders,
      });
      const allowed = String(answer.headers['access-control-allow-methods']).split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining([method]));
    },
  );

  it('counts no read and writes no trace line for the preflight of an article read', async () => {
    const before = await reads();
    const answered = jest.spyOn(stack.gateway.get(AnonymousArticlePages), 'answerBuilt');
    try {
      const answer = await stack.gateway.inject(
        preflight('GET', `/app/v1_0/articles/${ARTICLE}`, 'authorization,trace'),
      );
      expect(answer.statusCode).toBe(204);
      expect(answered).not.toHaveBeenCalled();
    } finally {
      answered.mockRestore();
    }
    expect(await reads()).toBe(before);
    expect(existsSync(stack.traceFile) ? readFileSync(stack.traceFile, 'utf8') : '').toBe('');
  });

  it("lets the app read an anonymous article page answered before routing, and the route's own", async () => {
    const answered = jest.spyOn(stack.gateway.get(AnonymousArticlePages), 'answerBuilt');
    try {
      const url = `/app/v1_0/articles/${ARTICLE}`;
      const pages = [];
      for (let visit = 0; visit < 3; visit += 1) pages.push(await send({ method: 'GET', url }));
      // The first two visits go to the route; the third is the built page.
      expect(answered.mock.results.map(({ value }) => Buffer.isBuffer(value))).toEqual([
        false,
        false,
        true,
      ]);
      for (const page of pages) {
        expect(page.statusCode).toBe(200);
        expect(page.headers['access-control-allow-origin']).toBe('*');
      }
      const traced = await send({ method: 'GET', url, headers: { trace: TRACE } });
      expect(traced.statusCode).toBe(200);
      expect(traced.headers['access-control-allow-origin']).toBe('*');
    } finally {
      answered.mockRestore();
    }
  });

  it('lets the app read the status of a 401, so it can refresh its token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }]) {
      const answer = await send({ method: 'GET', url: '/app/v1_0/user', headers });
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('lets the app read 400 and 404 answers, of a route and of no route', async () => {
    const answers = [
      [await send({ method: 'GET', url: `/app/v1_0/articles/${MISSING}` }), 404],
      [await send({ method: 'GET', url: '/app/v1_0/no-such-route' }), 404],
      [await send({ method: 'GET', url: '/app/v1_0/search?page=0&q=news' }), 400],
    ] as const;
    for (const [answer, status] of answers) {
      expect(answer.statusCode).toBe(status);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('lets the app read a stored image', async () => {
    const image = await send({ method: 'GET', url: `/static/${IMAGE_KEY}` });
    expect(image.statusCode).toBe(200);
    expect(image.headers['access-control-allow-origin']).toBe('*');
  });

  it('lets the app read a 5xx when a service is down', async () => {
    await stack.newsService?.close();
    stack.newsService = undefined;
    // An id never asked for: no answer of news is cached for it.
    const answer = await send({ method: 'GET', url: '/app/v1_0/articles/1300000000000000998' });
    expect(answer.statusCode).toBeGreaterThanOrEqual(500);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
  });
});
