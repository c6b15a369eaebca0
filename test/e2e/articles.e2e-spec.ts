import { existsSync, readFileSync } from 'node:fs';

import { CacheKeys, CounterKeys, StateKeys, TwoLevelCache } from '@app/cache';
import type { articleV1, authoringV1, userV1 } from '@app/contracts';
import { ARTICLE_GRPC, AUTHORING_GRPC, grpcClientToken, unary, USER_GRPC } from '@app/grpc';

import { AnonymousArticlePages } from '../../apps/gateway/src/articles/anonymous-article-pages';
import { ArticlesRepository } from '../../apps/news/src/articles/articles.repository';
import { ArticlesService } from '../../apps/news/src/articles/articles.service';
import { HotCounters } from '../../apps/gateway/src/articles/hot-counters';
import { TraceLogWriter } from '../../apps/gateway/src/articles/trace-log.writer';

import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { type FakeRecommend, startFakeRecommend } from './support/fake-recommend';
import { recordSql } from './support/sql-recorder';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const FAN = '1294287382374383618';
const LONER = '1294287382374383619';
const PROLIFIC = '1294287382374383620';
const NOBODY = '1294287382374383699';

const OLD = '1300000000000000001';
const NEW = '1300000000000000002';
const PENDING = '1300000000000000003';
const DELETED = '1300000000000000004';
const BY_FAN = '1300000000000000005';
const MISSING = '1300000000000000999';
/** PROLIFIC's 12 approved articles, oldest first. */
const MANY = Array.from(
  { length: 12 },
  (_, index) => `13000000000000010${String(index).padStart(2, '0')}`,
);

const NOT_FOUND = { message: 'The article does not exist.' };

/** Response headers but the date, which may differ between two answers. */
const withoutDate = (headers: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date'));
const TRACE =
  '{"action":"click","userId":"1294287382374383617","articleId":"1300000000000000001","algorithmCombine":"C2"}';

type Method = 'GET' | 'POST';

interface Card {
  art_id: string;
  title: string;
  aut_id: string;
  aut_name: string;
  pubdate: string;
  ch_id: number;
  cover: { type: number; images: string[] };
  is_top: number;
  comm_count: number;
  like_count: number;
  collect_count: number;
  is_liking?: boolean;
}

interface CardPage {
  total_count: number;
  page: number;
  per_page: number;
  results: Card[];
}

interface Detail {
  art_id: string;
  title: string;
  is_followed: boolean;
  attitude: number | null;
  is_collected: boolean;
  recomments: Array<{ art_id: string; title: string }>;
}

const OLD_CARD: Card = {
  art_id: OLD,
  title: 'old news',
  aut_id: AUTHOR,
  aut_name: 'author',
  // 2019-03-11 16:30:05 UTC in Asia/Shanghai
  pubdate: '2019-03-12T00:30:05',
  ch_id: 1,
  cover: { type: 1, images: ['http://img.test/cover-a.png'] },
  is_top: 1,
  comm_count: 3,
  like_count: 5,
  collect_count: 2,
};

const NEW_CARD: Card = {
  art_id: NEW,
  title: 'new news',
  aut_id: AUTHOR,
  aut_name: 'author',
  pubdate: '2019-03-12T16:00:00',
  ch_id: 2,
  cover: { type: 0, images: [] },
  is_top: 0,
  comm_count: 0,
  like_count: 0,
  collect_count: 0,
};

describe('article detail, author lists, history and reading durations through the gateway', () => {
  let stack: ArticleStack;
  const tokens = new Map<string, string>();

  const call = (
    method: Method,
    url: string,
    options: { as?: string; headers?: Record<string, string>; payload?: object } = {},
  ) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: {
        ...(options.as ? { authorization: `Bearer ${tokens.get(options.as)}` } : {}),
        ...options.headers,
      },
      ...(options.payload ? { payload: options.payload } : {}),
    });
  /** A counter as the state Redis holds it once the gateway has written what it gathered. */
  const score = async (key: string, member: string) => {
    await stack.gateway.get(HotCounters).flush();
    return Number((await stack.state.zscore(key, member)) ?? 0);
  };
  const traceLines = async (count: number): Promise<unknown[]> => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const text = existsSync(stack.traceFile) ? readFileSync(stack.traceFile, 'utf8') : '';
      // Only whole lines: the writer may be in the middle of appending the next one.
      const lines = text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter(Boolean);
      if (lines.length >= count) return lines.map((line) => JSON.parse(line) as unknown);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fewer than ${count} trace lines`);
  };

  /** Every line of the trace log once the gateway has written what it buffered. */
  const writtenTraceLines = async (): Promise<string[]> => {
    await stack.gateway.get(TraceLogWriter).flush();
    return existsSync(stack.traceFile)
      ? readFileSync(stack.traceFile, 'utf8').split('\n').filter(Boolean)
      : [];
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author', photo: 'Fauthor' },
      { id: READER, name: 'reader' },
      { id: FAN, name: 'fan' },
      { id: LONER, name: 'loner' },
      { id: PROLIFIC, name: 'prolific' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1), (2, 'python', 2, 1, 0)`,
    );
    await seedArticles(stack, [
      {
        id: OLD,
        authorId: AUTHOR,
        channelId: 1,
        title: 'old news',
        status: 2,
        createdAt: '2019-03-11 16:30:05',
        cover: { type: 1, images: ['http://img.test/cover-a.png'] },
        content: '<p>old body</p>',
      },
      {
        id: NEW,
        authorId: AUTHOR,
        channelId: 2,
        title: 'new news',
        status: 2,
        createdAt: '2019-03-12 08:00:00',
      },
      {
        id: PENDING,
        authorId: AUTHOR,
        channelId: 1,
        title: 'pending',
        status: 1,
        createdAt: '2019-03-13 08:00:00',
      },
      {
        id: DELETED,
        authorId: AUTHOR,
        channelId: 1,
        title: 'deleted',
        status: 4,
        createdAt: '2019-03-14 08:00:00',
      },
      {
        id: BY_FAN,
        authorId: FAN,
        channelId: 1,
        title: 'fan news',
        status: 2,
        createdAt: '2019-03-15 08:00:00',
      },
      ...MANY.map((id, index) => ({
        id,
        authorId: PROLIFIC,
        channelId: 2,
        title: `many ${index}`,
        status: 2,
        createdAt: `2019-04-${String(index + 1).padStart(2, '0')} 08:00:00`,
      })),
    ]);
    // READER follows AUTHOR, likes OLD and has collected it; FAN dislikes OLD.
    await stack.sql(
      'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, 1)',
      [READER, AUTHOR],
    );
    await stack.sql(
      'INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1), (?, ?, 0), (?, ?, 1)',
      [READER, OLD, FAN, OLD, READER, NEW],
    );
    await stack.sql(
      'INSERT INTO news_collection (user_id, article_id, is_deleted) VALUES (?, ?, 0)',
      [READER, OLD],
    );
    await stack.state.zadd(CounterKeys.articleComments, 3, OLD);
    await stack.state.zadd(CounterKeys.articleLikes, 5, OLD);
    await stack.state.zadd(CounterKeys.articleCollections, 2, OLD);
    await stack.state.zadd(StateKeys.channelTopArticles(1), 1, OLD);
    for (const user of [AUTHOR, READER, FAN, LONER, PROLIFIC])
      tokens.set(user, await stack.signIn(user));
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('GET /articles/{id}', () => {
    it('answers an anonymous reader with the reference fields, ids as strings, attitude null, and counts the read', async () => {
      const readsBefore = await score(CounterKeys.articleReads, OLD);
      const response = await call('GET', `/articles/${OLD}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(`"art_id":"${OLD}"`);
      expect(response.body).toContain(`"aut_id":"${AUTHOR}"`);
      expect(response.json()).toEqual({
        message: 'OK',
        data: {
          art_id: OLD,
          title: 'old news',
          pubdate: '2019-03-12T00:30:05',
          content: '<p>old body</p>',
          aut_id: AUTHOR,
          ch_id: 1,
          aut_name: 'author',
          aut_photo: `${IMG}Fauthor`,
          is_followed: false,
          attitude: null,
          is_collected: false,
          recomments: [],
        },
      });
      expect(await score(CounterKeys.articleReads, OLD)).toBe(readsBefore + 1);
      expect(await score(CounterKeys.authorReads, AUTHOR)).toBeGreaterThanOrEqual(1);
    });

    it('answers a repeat anonymous visit from the built page before routing, with the same bytes and headers, and counts it', async () => {
      const [article] = MANY;
      const answered = jest.spyOn(stack.gateway.get(AnonymousArticlePages), 'answerBuilt');
      try {
        const reads = await score(CounterKeys.articleReads, article);
        // The first visit loads the detail through news, the second keeps it in this replica's L1.
        const first = await call('GET', `/articles/${article}`);
        await call('GET', `/articles/${article}`);
        const again = await call('GET', `/articles/${article}`);
        expect(answered.mock.results.map(({ value }) => Buffer.isBuffer(value))).toEqual([
          false,
          false,
          true,
        ]);
        expect(again.statusCode).toBe(200);
        expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
        expect(withoutDate(again.headers)).toEqual(withoutDate(first.headers));
        expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(Number(again.headers['content-length'])).toBe(again.rawPayload.length);
        expect(await score(CounterKeys.articleReads, article)).toBe(reads + 3);
        // A Trace header (logged by the route) and any Authorization header go on to the route.
        await call('GET', `/articles/${article}`, { headers: { trace: TRACE } });
        await call('GET', `/articles/${article}`, { headers: { authorization: 'Anony device-1' } });
        await call('GET', `/articles/${article}`, { as: PROLIFIC });
        expect(answered).toHaveBeenCalledTimes(3);
        expect(await score(CounterKeys.articleReads, article)).toBe(reads + 6);
      } finally {
        answered.mockRestore();
      }
    });

    it('stops answering a built anonymous page as soon as its article is withdrawn', async () => {
      const article = MANY[1];
      const gatewayCache = stack.gateway.get(TwoLevelCache);
      const withdraw = async (status: number) => {
        await stack.sql('UPDATE news_article_basic SET status = ? WHERE article_id = ?', [
          status,
          article,
        ]);
        await stack.newsService!.get(TwoLevelCache).invalidate(CacheKeys.articleDetail(article));
        for (
          let attempt = 0;
          attempt < 100 && gatewayCache.hasLocal(CacheKeys.articleDetail(article));
          attempt += 1
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      expect((await call('GET', `/articles/${article}`)).statusCode).toBe(200);
      expect((await call('GET', `/articles/${article}`)).statusCode).toBe(200);
      try {
        await withdraw(5);
        const gone = await call('GET', `/articles/${article}`);
        expect(gone.statusCode).toBe(404);
        expect(gone.json()).toEqual(NOT_FOUND);
      } finally {
        await withdraw(2);
      }
      expect((await call('GET', `/articles/${article}`)).statusCode).toBe(200);
    });

    it('names the renamed author on a built anonymous page as soon as the rename reaches the gateway', async () => {
      const article = MANY[2];
      const gatewayCache = stack.gateway.get(TwoLevelCache);
      const authorName = async () =>
        (await call('GET', `/articles/${article}`)).json<{ data: { aut_name: string } }>().data
          .aut_name;
      const rename = async (name: string) => {
        await stack.sql('UPDATE user_basic SET user_name = ? WHERE user_id = ?', [name, PROLIFIC]);
        await stack.userService.get(TwoLevelCache).invalidate(CacheKeys.userProfile(PROLIFIC));
        for (
          let attempt = 0;
          attempt < 100 && gatewayCache.hasLocal(CacheKeys.userProfile(PROLIFIC));
          attempt += 1
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      const answered = jest.spyOn(stack.gateway.get(AnonymousArticlePages), 'answerBuilt');
      try {
        expect([await authorName(), await authorName(), await authorName()]).toEqual([
          'prolific',
          'prolific',
          'prolific',
        ]);
        expect(answered.mock.results.map(({ value }) => Buffer.isBuffer(value))).toEqual([
          false,
          false,
          true,
        ]);
        await rename('prolific renamed');
        expect(await authorName()).toBe('prolific renamed');
      } finally {
        answered.mockRestore();
        await rename('prolific');
      }
    });

    it('tells a signed-in reader whether they follow the author, their attitude and collection', async () => {
      const answer = await call('GET', `/articles/${OLD}`, { as: READER });
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers['content-length'])).toBe(answer.rawPayload.length);
      const reader = answer.json<{ message: string; data: Detail }>();
      expect(reader.message).toBe('OK');
      expect(reader.data).toMatchObject({
        art_id: OLD,
        title: 'old news',
        content: '<p>old body</p>',
        aut_id: AUTHOR,
        ch_id: 1,
      });
      expect([reader.data.is_followed, reader.data.attitude, reader.data.is_collected]).toEqual([
        true,
        1,
        true,
      ]);
      const fan = (await call('GET', `/articles/${OLD}`, { as: FAN })).json<{ data: Detail }>()
        .data;
      expect([fan.is_followed, fan.attitude, fan.is_collected]).toEqual([false, 0, false]);
      const loner = (await call('GET', `/articles/${OLD}`, { as: LONER })).json<{ data: Detail }>()
        .data;
      expect([loner.is_followed, loner.attitude, loner.is_collected]).toEqual([false, -1, false]);
      // the author never follows themself
      const own = (await call('GET', `/articles/${OLD}`, { as: AUTHOR })).json<{ data: Detail }>()
        .data;
      expect(own.is_followed).toBe(false);
    });

    it('adds the article to the signed-in reader history and both read counters in one visit', async () => {
      const [articleReads, authorReads] = [
        await score(CounterKeys.articleReads, NEW),
        await score(CounterKeys.authorReads, AUTHOR),
      ];
      expect((await call('GET', `/articles/${NEW}`, { as: LONER })).statusCode).toBe(200);
      expect(await score(CounterKeys.articleReads, NEW)).toBe(articleReads + 1);
      expect(await score(CounterKeys.authorReads, AUTHOR)).toBe(authorReads + 1);
      expect(await stack.state.zrevrange(StateKeys.readingHistory(LONER), 0, -1)).toEqual([
        NEW,
        OLD,
      ]);
      // anonymous visits keep no history anywhere
      await call('GET', `/articles/${BY_FAN}`);
      expect(await stack.state.zscore(StateKeys.readingHistory(LONER), BY_FAN)).toBeNull();
    });

    it('keeps only the newest 100 articles of a history', async () => {
      const key = StateKeys.readingHistory(PROLIFIC);
      const old = Array.from({ length: 100 }, (_, index) => [
        index + 1,
        `1400000000000000${String(index).padStart(3, '0')}`,
      ]).flat();
      await stack.state.zadd(key, ...old);
      expect((await call('GET', `/articles/${OLD}`, { as: PROLIFIC })).statusCode).toBe(200);
      expect(await stack.state.zcard(key)).toBe(100);
      expect(await stack.state.zrevrange(key, 0, 0)).toEqual([OLD]);
      expect(await stack.state.zscore(key, '1400000000000000000')).toBeNull();
    });

    it('counts no read and keeps no history for a HEAD, which shows no article, anonymous or signed in', async () => {
      const [article] = MANY.slice(-1);
      const history = StateKeys.readingHistory(LONER);
      const reads = await score(CounterKeys.articleReads, article);
      const authorReads = await score(CounterKeys.authorReads, PROLIFIC);
      // The page is built (and its detail held in this replica) before the HEADs come.
      expect((await call('GET', `/articles/${article}`)).statusCode).toBe(200);
      const traceLog = await writtenTraceLines();
      const heads = [
        await stack.gateway.inject({ method: 'HEAD', url: `/app/v1_0/articles/${article}` }),
        await stack.gateway.inject({ method: 'HEAD', url: `/app/v1_0/articles/${article}` }),
        await stack.gateway.inject({
          method: 'HEAD',
          url: `/app/v1_0/articles/${article}`,
          headers: { authorization: `Bearer ${tokens.get(LONER)}`, trace: TRACE },
        }),
      ];
      expect(
        heads.map((head) => [head.statusCode, head.headers['content-type'], head.body]),
      ).toEqual(heads.map(() => [200, 'application/json; charset=utf-8', '']));
      expect(await score(CounterKeys.articleReads, article)).toBe(reads + 1);
      expect(await score(CounterKeys.authorReads, PROLIFIC)).toBe(authorReads + 1);
      expect(await stack.state.zscore(history, article)).toBeNull();
      expect(await writtenTraceLines()).toEqual(traceLog);
    });

    it.each([
      ['pending review', PENDING],
      ['deleted', DELETED],
      ['unknown', MISSING],
      ['malformed', 'abc'],
      ['negative', '-1'],
    ])('answers 404 for a %s article and counts nothing', async (_case, id) => {
      const response = await call('GET', `/articles/${id}`, { as: READER });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(NOT_FOUND);
      expect(await stack.state.zscore(CounterKeys.articleReads, id)).toBeNull();
      expect(await stack.state.zscore(StateKeys.readingHistory(READER), id)).toBeNull();
    });

    it('refuses a bad token with 401 instead of treating the caller as anonymous', async () => {
      const response = await call('GET', `/articles/${OLD}`, {
        headers: { authorization: 'Bearer not-a-jwt' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'Token has some errors.' });
    });

    it('writes the Trace header of a click to the trace log with the article channel', async () => {
      expect(
        (await call('GET', `/articles/${NEW}`, { headers: { trace: TRACE } })).statusCode,
      ).toBe(200);
      const lines = (await traceLines(1)) as Array<Record<string, unknown>>;
      const line = lines.find((entry) => entry.channelId === 2 && entry.readTime === '');
      expect(line).toEqual({
        actionTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) as unknown,
        readTime: '',
        channelId: 2,
        param: TRACE,
      });
    });

    it('serves the article but writes no trace line for a Trace header that is no tracking string (a JSON object)', async () => {
      const before = await writtenTraceLines();
      for (const trace of ['garbage', '[1]', 'null', '"click"', '{"action":']) {
        expect((await call('GET', `/articles/${NEW}`, { headers: { trace } })).statusCode).toBe(
          200,
        );
      }
      expect(await writtenTraceLines()).toEqual(before);
    });

    describe('related articles from the recommend service', () => {
      let recommend: FakeRecommend;

      beforeAll(async () => {
        recommend = await startFakeRecommend(
          Number(String(stack.env.RECOMMEND_GRPC_URL).split(':')[1]),
        );
      });

      afterAll(() => recommend.stop());

      it('lists the approved ones with titles, without the article itself', async () => {
        recommend.behaviour = { ids: [NEW, OLD, PENDING, BY_FAN, MISSING] };
        // The gateway's channel was refused before the fake started: it answers [] until it reconnects.
        let detail = (await call('GET', `/articles/${OLD}`)).json<{ data: Detail }>().data;
        for (let attempt = 0; attempt < 80 && detail.recomments.length === 0; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          detail = (await call('GET', `/articles/${OLD}`)).json<{ data: Detail }>().data;
        }
        expect(detail.recomments).toEqual([
          { art_id: NEW, title: 'new news' },
          { art_id: BY_FAN, title: 'fan news' },
        ]);
        expect(recommend.requests.at(-1)).toEqual({ articleId: OLD, articleNum: 10 });
      });

      it('shares the answer of an article for a minute: a hot page asks recommend once', async () => {
        const asked = recommend.requests.length;
        for (let i = 0; i < 5; i += 1) {
          expect(
            (await call('GET', `/articles/${OLD}`)).json<{ data: Detail }>().data.recomments,
          ).toHaveLength(2);
        }
        expect(recommend.requests.length).toBe(asked);
      });

      // Articles whose related ids were never fetched successfully (failures are not cached).
      it('answers [] when the recommend service fails', async () => {
        recommend.behaviour = 'fail';
        const response = await call('GET', `/articles/${NEW}`);
        expect(response.statusCode).toBe(200);
        expect(response.json<{ data: Detail }>().data.recomments).toEqual([]);
      });

      it('answers [] after a 200 ms deadline when the recommend service hangs', async () => {
        recommend.behaviour = 'hang';
        const started = Date.now();
        const response = await call('GET', `/articles/${BY_FAN}`);
        expect(response.statusCode).toBe(200);
        expect(response.json<{ data: Detail }>().data.recomments).toEqual([]);
        expect(Date.now() - started).toBeLessThan(1500);
      });
    });
  });

  describe('GET /users/{uid}/articles', () => {
    it('pages an author approved articles as cards, newest first, with counters, top flag and author name', async () => {
      const response = await call('GET', `/users/${AUTHOR}/articles`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        message: 'OK',
        data: { total_count: 2, page: 1, per_page: 10, results: [NEW_CARD, OLD_CARD] },
      });
      expect(response.body).toContain(`"art_id":"${NEW}"`);
    });

    it('fills art:{id}:info and the author list cache on the way', async () => {
      expect(
        JSON.parse((await stack.cache.get(CacheKeys.articleInfo(OLD))) ?? 'null'),
      ).toMatchObject({ artId: OLD, autId: AUTHOR, chId: 1 });
      expect(await stack.cache.exists(CacheKeys.userArticles(AUTHOR))).toBe(1);
    });

    it('pages with page and per_page', async () => {
      const first = (await call('GET', `/users/${PROLIFIC}/articles?per_page=10`)).json<{
        data: CardPage;
      }>().data;
      expect(first.total_count).toBe(12);
      expect(first.results.map((card) => card.art_id)).toEqual([...MANY].reverse().slice(0, 10));
      const second = (await call('GET', `/users/${PROLIFIC}/articles?page=2&per_page=10`)).json<{
        data: CardPage;
      }>().data;
      expect([second.page, second.per_page]).toEqual([2, 10]);
      expect(second.results.map((card) => card.art_id)).toEqual([MANY[1], MANY[0]]);
    });

    it('reads a cold author list from MySQL once for all the requests that miss it together', async () => {
      await stack.cache.del(CacheKeys.userArticles(PROLIFIC));
      const read = jest.spyOn(
        stack.newsService!.get(ArticlesRepository),
        'approvedByAuthorInChunks',
      );
      try {
        const pages = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            call('GET', `/users/${PROLIFIC}/articles?page=${(index % 2) + 1}&per_page=10`),
          ),
        );
        expect(read).toHaveBeenCalledTimes(1);
        const ids = pages.map((page) =>
          page.json<{ data: CardPage }>().data.results.map((card) => card.art_id),
        );
        expect(ids.filter((_, index) => index % 2 === 0)).toEqual(
          Array(10).fill([...MANY].reverse().slice(0, 10)),
        );
        expect(ids.filter((_, index) => index % 2 === 1)).toEqual(
          Array(10).fill([MANY[1], MANY[0]]),
        );
        expect(await stack.cache.zcard(CacheKeys.userArticles(PROLIFIC))).toBe(MANY.length);
      } finally {
        read.mockRestore();
      }
    });

    it('answers an empty page for a user without articles', async () => {
      const response = await call('GET', `/users/${LONER}/articles`);
      expect(response.json()).toEqual({
        message: 'OK',
        data: { total_count: 0, page: 1, per_page: 10, results: [] },
      });
    });

    it.each([NOBODY, 'abc'])(
      'answers 400 Invalid request. for the unknown user %s',
      async (uid) => {
        const response = await call('GET', `/users/${uid}/articles`);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ message: 'Invalid request.' });
      },
    );

    it.each(['per_page=9', 'per_page=51', 'per_page=x', 'page=0'])(
      'answers 400 for %s',
      async (query) => {
        const response = await call('GET', `/users/${AUTHOR}/articles?${query}`);
        expect(response.statusCode).toBe(400);
        const field = query.split('=')[0];
        expect(Object.keys(response.json<{ message: Record<string, string> }>().message)).toEqual([
          field,
        ]);
      },
    );
  });

  describe('GET /user/articles', () => {
    it('pages the caller own articles with is_liking of the caller', async () => {
      const response = await call('GET', '/user/articles', { as: AUTHOR });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        message: 'OK',
        data: {
          total_count: 2,
          page: 1,
          per_page: 10,
          results: [
            { ...NEW_CARD, is_liking: false },
            { ...OLD_CARD, is_liking: false },
          ],
        },
      });
    });

    it('needs a signed-in user', async () => {
      const response = await call('GET', '/user/articles');
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'User must be authorized.' });
    });

    it('validates paging', async () => {
      expect((await call('GET', '/user/articles?per_page=100', { as: AUTHOR })).statusCode).toBe(
        400,
      );
    });
  });

  describe('GET /user/histories', () => {
    it('pages the caller own history, newest first, with is_liking', async () => {
      await stack.state.del(StateKeys.readingHistory(READER));
      await call('GET', `/articles/${OLD}`, { as: READER });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await call('GET', `/articles/${NEW}`, { as: READER });
      const response = await call('GET', '/user/histories', { as: READER });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        message: 'OK',
        data: {
          total_count: 2,
          page: 1,
          per_page: 10,
          results: [
            { ...NEW_CARD, is_liking: true },
            { ...OLD_CARD, is_liking: true },
          ],
        },
      });
    });

    it('never shows another user history', async () => {
      await stack.state.del(StateKeys.readingHistory(FAN));
      await call('GET', `/articles/${BY_FAN}`, { as: FAN });
      const reader = (await call('GET', '/user/histories', { as: READER })).json<{
        data: CardPage;
      }>().data;
      expect(reader.results.map((card) => card.art_id)).not.toContain(BY_FAN);
      const fan = (await call('GET', '/user/histories', { as: FAN })).json<{ data: CardPage }>()
        .data;
      expect(fan.results.map((card) => card.art_id)).toEqual([BY_FAN]);
      expect(fan.results[0].is_liking).toBe(false);
    });

    it('drops articles that are no longer visible from the results', async () => {
      await stack.state.zadd(StateKeys.readingHistory(LONER), Date.now() / 1000 + 10, PENDING);
      const page = (await call('GET', '/user/histories', { as: LONER })).json<{ data: CardPage }>()
        .data;
      expect(page.results.map((card) => card.art_id)).not.toContain(PENDING);
      expect(page.results.length).toBeGreaterThan(0);
    });

    it('does not answer a page of articles no longer visible empty while older ones remain, keeps the hidden ones and drops the deleted ones', async () => {
      const history = StateKeys.readingHistory(PROLIFIC);
      await stack.state.del(history);
      const now = Date.now() / 1000;
      await stack.state.zadd(history, now - 100, OLD, now - 50, NEW);
      const gone = [
        PENDING,
        DELETED,
        MISSING,
        ...Array.from({ length: 8 }, (_, index) => `13000000000000020${index}`),
      ];
      for (const [index, id] of gone.entries()) await stack.state.zadd(history, now + index, id);

      const first = (await call('GET', '/user/histories', { as: PROLIFIC })).json<{
        data: CardPage;
      }>().data;
      expect({ total: first.total_count, ids: first.results.map((card) => card.art_id) }).toEqual({
        total: 2,
        ids: [NEW, OLD],
      });
      const second = (await call('GET', '/user/histories?page=2', { as: PROLIFIC })).json<{
        data: CardPage;
      }>().data;
      expect({ total: second.total_count, ids: second.results }).toEqual({ total: 2, ids: [] });
      // The one in review is kept for when it is approved again; deleted and unknown ones never come back.
      expect(await stack.state.zrevrange(history, 0, -1)).toEqual([PENDING, NEW, OLD]);
    });

    it('reads a page of a history with no article gone from the caches only', async () => {
      const history = StateKeys.readingHistory(PROLIFIC);
      await stack.state.del(history);
      const now = Date.now() / 1000;
      await stack.state.zadd(history, now - 100, OLD, now - 50, NEW);
      await call('GET', '/user/histories', { as: PROLIFIC });
      const sql = recordSql(stack.newsService!);
      try {
        const page = (await call('GET', '/user/histories', { as: PROLIFIC })).json<{
          data: CardPage;
        }>().data;
        expect(page.results.map((card) => card.art_id)).toEqual([NEW, OLD]);
        expect(sql.statements).toEqual([]);
      } finally {
        sql.stop();
      }
    });

    it('asks news whether a hidden article of the history is gone once, not on every page read', async () => {
      const REJECTED = '1300000000000000007';
      await seedArticles(stack, [
        {
          id: REJECTED,
          authorId: AUTHOR,
          channelId: 1,
          title: 'rejected',
          status: 3,
          createdAt: '2019-03-17 08:00:00',
        },
      ]);
      const history = StateKeys.readingHistory(PROLIFIC);
      await stack.state.del(history);
      const now = Date.now() / 1000;
      await stack.state.zadd(history, now - 100, OLD, now - 50, REJECTED);
      const asked = jest.spyOn(stack.newsService!.get(ArticlesService), 'listGone');
      try {
        for (let read = 0; read < 2; read++) {
          const page = (await call('GET', '/user/histories', { as: PROLIFIC })).json<{
            data: CardPage;
          }>().data;
          expect({ total: page.total_count, ids: page.results.map((card) => card.art_id) }).toEqual(
            { total: 1, ids: [OLD] },
          );
        }
        expect(asked).toHaveBeenCalledTimes(1);
        expect(await stack.state.zrevrange(history, 0, -1)).toEqual([REJECTED, OLD]);
      } finally {
        asked.mockRestore();
      }
    });

    it('hides an article while it is back in review or banned, and shows it again in its place once approved again', async () => {
      const BACK = '1300000000000000006';
      await stack.sql(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (3, 'java', 3, 1, 0)`,
      );
      await seedArticles(stack, [
        {
          id: BACK,
          authorId: FAN,
          channelId: 3,
          title: 'comes back later',
          status: 2,
          createdAt: '2019-03-16 08:00:00',
        },
      ]);
      const mp = await stack.startMediaPlatform();
      const authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
      const review = (status: number) =>
        unary(
          authoring.reviewArticle({ articleId: BACK, status, reviewerId: 7, rejectReason: '' }),
        );
      /** Waits until the gateway answers the article as it now is (its copies are dropped asynchronously). */
      const visible = async (expected: boolean) => {
        const deadline = Date.now() + 3000;
        // Anonymous: a signed-in visit would move it in the history.
        while (((await call('GET', `/articles/${BACK}`)).statusCode === 200) !== expected) {
          if (Date.now() > deadline)
            throw new Error(`article still ${expected ? 'hidden' : 'visible'}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const history = async () => {
        const data = (await call('GET', '/user/histories', { as: LONER })).json<{
          data: CardPage;
        }>().data;
        return { total: data.total_count, ids: data.results.map((card) => card.art_id) };
      };
      await stack.state.del(StateKeys.readingHistory(LONER));
      for (const id of [OLD, BACK, NEW]) {
        expect((await call('GET', `/articles/${id}`, { as: LONER })).statusCode).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await history()).toEqual({ total: 3, ids: [NEW, BACK, OLD] });

      // Its author edits it: it goes back to review, then is approved again.
      const authorization = `Bearer ${await stack.signIn(FAN, { scope: 'mp', verified: true })}`;
      const loaded = await mp.inject({
        method: 'GET',
        url: `/mp/v1_0/articles/${BACK}`,
        headers: { authorization },
      });
      const article = loaded.json<{ data: Record<string, unknown> }>().data;
      const saved = await mp.inject({
        method: 'PUT',
        url: `/mp/v1_0/articles/${BACK}?draft=false`,
        headers: { authorization },
        payload: { ...article, title: 'comes back edited' },
      });
      expect(saved.statusCode).toBe(201);
      await visible(false);
      expect(await history()).toEqual({ total: 2, ids: [NEW, OLD] });
      await review(2);
      await visible(true);
      expect(await history()).toEqual({ total: 3, ids: [NEW, BACK, OLD] });

      // Banned, then unbanned.
      await review(5);
      await visible(false);
      expect(await history()).toEqual({ total: 2, ids: [NEW, OLD] });
      await review(2);
      await visible(true);
      expect(await history()).toEqual({ total: 3, ids: [NEW, BACK, OLD] });
    });

    it('needs a signed-in user and valid paging', async () => {
      expect((await call('GET', '/user/histories')).json()).toEqual({
        message: 'User must be authorized.',
      });
      expect((await call('GET', '/user/histories?page=-1', { as: READER })).statusCode).toBe(400);
    });
  });

  describe('ArticleService.ListLatestArticles (the feed fallback)', () => {
    const latest = async (request: Partial<articleV1.ListLatestArticlesRequest>) => {
      const client = stack.gateway.get<articleV1.ArticleServiceClient>(
        grpcClientToken(ARTICLE_GRPC),
      );
      return (
        await unary(
          client.listLatestArticles({ channelId: 0, limit: 0, beforeArticleId: '', ...request }),
        )
      ).articleIds;
    };

    it('lists the newest approved ids of every channel or of one, below a given id', async () => {
      expect(await latest({ limit: 3 })).toEqual([MANY[11], MANY[10], MANY[9]]);
      expect(await latest({ channelId: 1, limit: 10 })).toEqual([BY_FAN, OLD]);
      expect(await latest({ channelId: 1, limit: 10, beforeArticleId: BY_FAN })).toEqual([OLD]);
      expect(await latest({ channelId: 2, limit: 2, beforeArticleId: MANY[0] })).toEqual([NEW]);
    });
  });

  describe('ArticleService.GetArticles (page misses of concurrent requests)', () => {
    const client = () =>
      stack.gateway.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));

    it('answers the approved ones in the order asked and caches every id, approved or not', async () => {
      const ids = [MANY[3], PENDING, MANY[1], MISSING, MANY[2], 'bad', MANY[1]];
      // Dropped as a write drops them: from Redis and from every process's L1.
      await stack.newsService!.get(TwoLevelCache).invalidate(...ids.map(CacheKeys.articleDetail));
      // A caller that predates max_reply_bytes: every article in one reply.
      const { articles } = await unary(client().getArticles({ articleIds: ids, maxReplyBytes: 0 }));
      expect(articles.map((article) => [article.artId, article.title, article.chId])).toEqual([
        [MANY[3], 'many 3', 2],
        [MANY[1], 'many 1', 2],
        [MANY[2], 'many 2', 2],
        [MANY[1], 'many 1', 2],
      ]);
      expect(await stack.cache.get(CacheKeys.articleDetail(PENDING))).toBe('-1');
      expect(await stack.cache.get(CacheKeys.articleDetail(MISSING))).toBe('-1');
      expect(
        JSON.parse(
          (await stack.cache.get(CacheKeys.articleDetail(MANY[2])))!,
        ) as articleV1.ArticleDetail,
      ).toMatchObject({
        artId: MANY[2],
        autId: PROLIFIC,
      });
    });

    it('serves concurrent page misses, each with its own article, through the gateway', async () => {
      const ids = [MANY[4], MANY[5], MANY[6], MANY[7], PENDING, MANY[8]];
      await stack.newsService!.get(TwoLevelCache).invalidate(...ids.map(CacheKeys.articleDetail));
      const responses = await Promise.all(ids.map((id) => call('GET', `/articles/${id}`)));
      expect(responses.map((response) => response.statusCode)).toEqual([
        200, 200, 200, 200, 404, 200,
      ]);
      expect(
        responses.map((response) =>
          response.statusCode === 200 ? response.json<{ data: Detail }>().data.title : null,
        ),
      ).toEqual(['many 4', 'many 5', 'many 6', 'many 7', null, 'many 8']);
    });
  });

  describe('UserService.GetUserNames (author misses of concurrent requests)', () => {
    it('names the users that exist in the order asked and caches every id, existing or not', async () => {
      const client = stack.gateway.get<userV1.UserServiceClient>(grpcClientToken(USER_GRPC));
      const ids = [FAN, NOBODY, AUTHOR, 'bad', FAN];
      // Dropped as a profile write drops them: from Redis and from every process's L1.
      await stack.userService.get(TwoLevelCache).invalidate(...ids.map(CacheKeys.userProfile));
      const { users } = await unary(client.getUserNames({ userIds: ids }));
      expect(users).toEqual([
        { id: FAN, name: 'fan', photo: '' },
        { id: AUTHOR, name: 'author', photo: 'Fauthor' },
        { id: FAN, name: 'fan', photo: '' },
      ]);
      expect(await stack.cache.get(CacheKeys.userProfile(NOBODY))).toBe('-1');
      expect(
        JSON.parse((await stack.cache.get(CacheKeys.userProfile(AUTHOR)))!) as {
          name: string;
          photo: string;
        },
      ).toMatchObject({
        name: 'author',
        photo: 'Fauthor',
      });
    });
  });

  describe('POST /reading/durations', () => {
    it('answers 201 {"message":"OK"} and writes the read time to the trace log', async () => {
      const before = existsSync(stack.traceFile)
        ? readFileSync(stack.traceFile, 'utf8').split('\n').length - 1
        : 0;
      const response = await call('POST', '/reading/durations', {
        headers: { trace: TRACE },
        payload: { duration: 35, art_id: OLD, extra: 'ignored' },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ message: 'OK' });
      const lines = (await traceLines(before + 1)) as Array<Record<string, unknown>>;
      expect(lines.at(-1)).toEqual({
        actionTime: expect.any(String) as unknown,
        readTime: '35',
        channelId: 1,
        param: TRACE,
      });
    });

    it('accepts an article id sent as a JSON number', async () => {
      const response = await call('POST', '/reading/durations', {
        headers: { trace: TRACE },
        payload: { duration: 1, art_id: 1300000000000001 },
      });
      // a well-formed id of no article
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: { art_id: 'Invalid target article id.' } });
    });

    it('takes a report sent with a stale or bad token as an anonymous one (the reference guards no token here)', async () => {
      for (const authorization of ['Bearer not-a-jwt', 'Bearer e30.e30.e30']) {
        const response = await call('POST', '/reading/durations', {
          headers: { trace: TRACE, authorization },
          payload: { duration: 5, art_id: OLD },
        });
        expect({
          authorization,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({ authorization, status: 201, body: { message: 'OK' } });
      }
    });

    it('refuses a Trace header that is no tracking string (a JSON object) with 400 keyed by Trace, writing no trace line or reading report', async () => {
      const stats = async () => {
        await stack.gateway.get(HotCounters).flush();
        return stack.state.hgetall(StateKeys.articleReadingStats(OLD));
      };
      const [lines, reports] = [await writtenTraceLines(), await stats()];
      for (const trace of ['garbage', '[1]', 'null', '"read"', '{"action":']) {
        const response = await call('POST', '/reading/durations', {
          headers: { trace },
          payload: { duration: 35, art_id: OLD },
        });
        expect({ trace, status: response.statusCode, body: response.json<unknown>() }).toEqual({
          trace,
          status: 400,
          body: { message: { Trace: 'Trace must be a tracking string (a JSON object)' } },
        });
      }
      expect(await writtenTraceLines()).toEqual(lines);
      expect(await stats()).toEqual(reports);
    });

    it('needs the Trace header', async () => {
      const response = await call('POST', '/reading/durations', {
        payload: { duration: 35, art_id: OLD },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        message: { Trace: 'Missing required parameter in the HTTP headers' },
      });
    });

    it.each([
      [{ art_id: OLD }, 'duration'],
      [{ duration: -1, art_id: OLD }, 'duration'],
      [{ duration: 1.5, art_id: OLD }, 'duration'],
      [{ duration: 3 }, 'art_id'],
      [{ duration: 3, art_id: 'abc' }, 'art_id'],
      [{ duration: 3, art_id: PENDING }, 'art_id'],
    ])('answers 400 for %j', async (payload, field) => {
      const response = await call('POST', '/reading/durations', {
        headers: { trace: TRACE },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json<{ message: Record<string, string> }>().message)).toEqual([
        field,
      ]);
    });
  });
});
