import { loadConfig } from '@app/config';
import { signInForTest } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { HotCounters } from '../../apps/gateway/src/articles/hot-counters';
import { ReadingStatsRecorder } from '../../apps/gateway/src/articles/reading-stats.recorder';
import { mediaPlatformEnvSchema } from '../../apps/media-platform/src/config/media-platform.config';
import { createMediaPlatform } from '../../apps/media-platform/src/main';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374385000';
const FAN = '1294287382374385001';
const STRANGER = '1294287382374385002';
/** 1000 visible characters: 120 s at 500 characters a minute. */
const LONG = '1300000000000005001';
/** Untouched by the reports of the first test. */
const QUIET = '1300000000000005002';
const PENDING = '1300000000000005003';
const TRACE = '{"action":"read","userId":"0","articleId":"0","algorithmCombine":"C2"}';
type Headers = Record<string, string>;

/** Reading-time reports through the real gateway, statistics through the real media platform. */
describe('article statistics from reading-time reports (gateway -> state Redis -> news -> media platform)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authorMp: Headers;
  let fan: Headers;
  let stranger: Headers;

  const app = (method: 'GET' | 'POST', url: string, headers: Headers = {}, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers,
      ...(payload ? { payload } : {}),
    });
  const report = (art_id: unknown, duration: unknown, headers: Headers = {}) =>
    app('POST', '/reading/durations', { trace: TRACE, ...headers }, { art_id, duration });
  const statistics = async (id: string): Promise<unknown> => {
    const reply = await mp.inject({
      method: 'GET',
      url: `/mp/v1_0/statistics/articles/${id}`,
      headers: authorMp,
    });
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: unknown }>().data;
  };
  const aggregates = (id: string) => stack.state.hgetall(`art:${id}:reading:stats`);

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'stats-author' },
      { id: FAN, name: 'stats-fan' },
      { id: STRANGER, name: 'stats-stranger' },
    ]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    await seedArticles(stack, [
      {
        id: LONG,
        authorId: AUTHOR,
        channelId: 1,
        title: 'A long read',
        status: 2,
        createdAt: '2026-01-10 10:00:00',
        content: `<p>${'字'.repeat(600)}</p>\n<p>${'文'.repeat(400)}</p>`,
      },
      {
        id: QUIET,
        authorId: AUTHOR,
        channelId: 1,
        title: 'A quiet one',
        status: 2,
        createdAt: '2026-01-10 11:00:00',
      },
      {
        id: PENDING,
        authorId: AUTHOR,
        channelId: 1,
        title: 'Not approved',
        status: 1,
        createdAt: '2026-01-10 12:00:00',
      },
    ]);
    mp = await createMediaPlatform(loadConfig(mediaPlatformEnvSchema, stack.env));
    await mp.init();
    await mp.getHttpAdapter().getInstance().ready();
    authorMp = {
      authorization: `Bearer ${(await signInForTest(stack.keys, stack.state, AUTHOR, { verified: true, scope: 'mp' })).token}`,
    };
    fan = { authorization: `Bearer ${await stack.signIn(FAN)}` };
    stranger = { authorization: `Bearer ${await stack.signIn(STRANGER)}` };
    expect((await app('POST', '/user/followings', fan, { target: AUTHOR })).statusCode).toBe(201);
  });

  afterAll(async () => {
    await mp?.close();
    await stack?.close();
  });

  it('answers 0 for every reading figure before any report', async () => {
    expect(await statistics(QUIET)).toEqual({
      avg_read_proc: 0,
      bounce_rate: 0,
      time_spent: 0,
      conversion: { reco_count: 0, read_count: 0, fans_read_count: 0, comment_count: 0 },
      origin: { recommend: 0, channel: 0, relation: 0, outter: 0, other: 0 },
      completed: { gt80: 0, lt80: 0, lt20: 0 },
    });
  });

  it('fills completion, bounces, time spent, fan reads and exposures from the reports', async () => {
    // Two detail views (the fan's fills the user service's relationship cache the report then reads).
    expect((await app('GET', `/articles/${LONG}`, fan)).statusCode).toBe(200);
    expect((await app('GET', `/articles/${LONG}`)).statusCode).toBe(200);
    expect(
      await stack.cache.exists(`user:${FAN}:relationship`, `user:${STRANGER}:relationship`),
    ).toBe(1);

    const reports: Array<[number, Headers]> = [
      [120, fan], // 100 %, gt80, a fan's read
      [5, {}], // 4 %, lt20, a bounce
      [60, stranger], // 50 %, lt80 (the relation comes from RelationService)
      [7_200, {}], // counted as 3600 s, 100 %, gt80
      [30, { authorization: `Bearer ${await stack.signIn(AUTHOR)}` }], // 25 %, lt80; the author is no fan of himself
    ];
    for (const [duration, headers] of reports) {
      const reply = await report(LONG, duration, headers);
      expect(reply.statusCode).toBe(201);
      expect(reply.json()).toEqual({ message: 'OK' });
    }
    stack.gateway.get(ReadingStatsRecorder).recordExposures([LONG, QUIET, LONG]);
    await stack.gateway.get(HotCounters).flush();

    expect(await statistics(LONG)).toEqual({
      avg_read_proc: 56, // (100 + 4 + 50 + 100 + 25) / 5 = 55.8
      bounce_rate: 20, // 1 of 5
      time_spent: 763, // (120 + 5 + 60 + 3600 + 30) / 5
      conversion: { reco_count: 2, read_count: 2, fans_read_count: 1, comment_count: 0 },
      origin: { recommend: 0, channel: 0, relation: 0, outter: 0, other: 2 },
      completed: { gt80: 2, lt80: 2, lt20: 1 },
    });
    expect(await aggregates(LONG)).toEqual({
      reports: '5',
      seconds: '3815',
      completion: '279',
      bounces: '1',
      gt80: '2',
      lt80: '2',
      lt20: '1',
      fans: '1',
    });
    expect(await stack.state.zscore('count:art:reco', QUIET)).toBe('1');
    expect(await statistics(QUIET)).toMatchObject({
      time_spent: 0,
      conversion: { reco_count: 1, read_count: 0 },
    });
  });

  it('changes no aggregate on a refused report', async () => {
    const before = await aggregates(LONG);
    expect(before.reports).toBe('5');
    const statsBefore = await statistics(LONG);
    const refused: Array<[unknown, unknown, Headers, number]> = [
      [LONG, -30, fan, 400],
      [LONG, 12.5, {}, 400],
      [LONG, null, {}, 400],
      ['abc', 60, fan, 400],
      ['0', 60, {}, 400],
      [`${LONG}0`, 60, {}, 400], // a well-formed id of no article
      [PENDING, 60, {}, 400],
    ];
    for (const [artId, duration, headers, status] of refused) {
      expect((await report(artId, duration, headers)).statusCode).toBe(status);
    }
    const noTrace = await app('POST', '/reading/durations', fan, { art_id: LONG, duration: 60 });
    expect(noTrace.statusCode).toBe(400);
    // A counted report would be in the gateway's buffer: written now, it would show below.
    await stack.gateway.get(HotCounters).flush();
    expect(await aggregates(LONG)).toEqual(before);
    expect(await aggregates(PENDING)).toEqual({});
    expect(await statistics(LONG)).toEqual(statsBefore);
  });

  it('counts no exposure for an empty list', async () => {
    stack.gateway.get(ReadingStatsRecorder).recordExposures([]);
    await stack.gateway.get(HotCounters).flush();
    expect(await stack.state.zrange('count:art:reco', 0, -1, 'WITHSCORES')).toEqual([
      QUIET,
      '1',
      LONG,
      '2',
    ]);
  });

  it('splits detail views by where they came from, as the Trace header of each view tells', async () => {
    const click = (algorithmCombine: string) =>
      JSON.stringify({ action: 'click', userId: FAN, articleId: QUIET, algorithmCombine });
    for (const trace of [click('Algo-1'), click('Algo-2'), click('latest'), undefined]) {
      const view = await app('GET', `/articles/${QUIET}`, trace ? { trace } : {});
      expect(view.statusCode).toBe(200);
    }
    await stack.gateway.get(HotCounters).flush();
    expect(await statistics(QUIET)).toMatchObject({
      origin: { recommend: 2, channel: 1, relation: 0, outter: 0, other: 1 },
    });
  });

  describe('GET /statistics/articles with the channel and pubdate filters of its YApi query', () => {
    /** 2026-01-11 00:30 in Asia/Shanghai (the stack's TZ), 2026-01-10 in UTC. */
    const DAWN = '1300000000000005004';
    /** 2026-01-11 23:30 in Asia/Shanghai; rejected, still the author's. */
    const NIGHT = '1300000000000005005';
    /** 2026-01-12 00:30 in Asia/Shanghai, 2026-01-11 in UTC. */
    const LATER = '1300000000000005006';
    /** Another author's, in the same channel and on the same day. */
    const OTHERS = '1300000000000005007';
    const totals = (query: string) =>
      mp.inject({ method: 'GET', url: `/mp/v1_0/statistics/articles${query}`, headers: authorMp });
    const figures = (read: number, comment: number, collect: number, repost: number) => ({
      read_count: read,
      comment_count: comment,
      collect_count: collect,
      repost_count: repost,
    });

    beforeAll(async () => {
      await stack.sql(
        "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (2, 'css', 2, 1, 0), (3, 'viral', 3, 1, 0)",
      );
      await seedArticles(stack, [
        {
          id: DAWN,
          authorId: AUTHOR,
          channelId: 2,
          title: 'Just after midnight',
          status: 2,
          createdAt: '2026-01-10 16:30:00',
        },
        {
          id: NIGHT,
          authorId: AUTHOR,
          channelId: 2,
          title: 'Just before midnight',
          status: 3,
          createdAt: '2026-01-11 15:30:00',
        },
        {
          id: LATER,
          authorId: AUTHOR,
          channelId: 1,
          title: 'The next day',
          status: 2,
          createdAt: '2026-01-11 16:30:00',
        },
        {
          id: OTHERS,
          authorId: STRANGER,
          channelId: 2,
          title: 'Not the author',
          status: 2,
          createdAt: '2026-01-10 17:00:00',
        },
      ]);
      const counts: Array<[string, number, number, number, number]> = [
        [DAWN, 10, 1, 100, 1000],
        [NIGHT, 20, 2, 200, 2000],
        [LATER, 40, 4, 400, 4000],
        [OTHERS, 80, 8, 800, 8000],
      ];
      for (const [id, reads, comments, collections, reposts] of counts) {
        await stack.state.zadd('count:art:reading', reads, id);
        await stack.state.zadd('count:art:comm', comments, id);
        await stack.state.zadd('count:art:collecting', collections, id);
        await stack.sql(
          'INSERT INTO news_article_statistic (article_id, repost_count) VALUES (?, ?)',
          [id, reposts],
        );
      }
    });

    it('sums only the articles published on the days asked, days as they are where the author lives, the end day included', async () => {
      for (const [query, expected] of [
        ['?begin_pubdate=2026-01-11&end_pubdate=2026-01-11', figures(30, 3, 300, 3000)],
        ['?begin_pubdate=2026-01-11', figures(70, 7, 700, 7000)],
        ['?begin_pubdate=2026-01-12&end_pubdate=2026-01-12', figures(40, 4, 400, 4000)],
        ['?begin_pubdate=2026-01-13', figures(0, 0, 0, 0)],
      ] as const) {
        const reply = await totals(query);
        expect([query, reply.statusCode, reply.json()]).toEqual([
          query,
          200,
          { message: 'OK', data: expected },
        ]);
      }
    });

    it("sums only the author's articles in the channels asked, alone or with the dates", async () => {
      for (const [query, expected] of [
        ['?channel_id=2', figures(30, 3, 300, 3000)],
        [
          '?channel_id=2&begin_pubdate=2026-01-11&end_pubdate=2026-01-11',
          figures(30, 3, 300, 3000),
        ],
        ['?channel_id=1&begin_pubdate=2026-01-11', figures(40, 4, 400, 4000)],
      ] as const) {
        const reply = await totals(query);
        expect([query, reply.statusCode, reply.json()]).toEqual([
          query,
          200,
          { message: 'OK', data: expected },
        ]);
      }
    });

    it('sums past 32 bits: an author whose articles were read 3.5 billion times in all reads that, not a wrapped number', async () => {
      const viral: Array<[string, number]> = [
        ['1300000000000005008', 2_000_000_000],
        ['1300000000000005009', 1_500_000_000],
      ];
      for (const [id, count] of viral) {
        // Before the days the other cases ask about, in a channel of its own.
        await seedArticles(stack, [
          {
            id,
            authorId: AUTHOR,
            channelId: 3,
            title: 'Read by everyone',
            status: 2,
            createdAt: '2025-06-01 08:00:00',
          },
        ]);
        for (const key of ['count:art:reading', 'count:art:comm', 'count:art:collecting'])
          await stack.state.zadd(key, count, id);
        await stack.sql(
          'INSERT INTO news_article_statistic (article_id, repost_count) VALUES (?, ?)',
          [id, count],
        );
      }
      const reply = await totals('?channel_id=3');
      expect([reply.statusCode, reply.json()]).toEqual([
        200,
        {
          message: 'OK',
          data: figures(3_500_000_000, 3_500_000_000, 3_500_000_000, 3_500_000_000),
        },
      ]);
    });

    it('takes empty filters as none, as the article list does', async () => {
      const all = await totals('');
      expect(all.statusCode).toBe(200);
      expect((await totals('?channel_id=&begin_pubdate=&end_pubdate=')).json()).toEqual(all.json());
    });

    it('refuses malformed or reversed dates and channels that are no visible channel with 400, as the article list', async () => {
      const refused: Array<[string, unknown]> = [
        ['?begin_pubdate=2026-01-12&end_pubdate=2026-01-11', 'Invalid pubdate param.'],
        ['?begin_pubdate=2026-02-30', 'Invalid pubdate param.'],
        ['?end_pubdate=yesterday', 'Invalid pubdate param.'],
        ['?begin_pubdate=20260101', 'Invalid pubdate param.'],
        ['?channel_id=0', { channel_id: 'Invalid channel id param.' }],
        ['?channel_id=99', { channel_id: 'Invalid channel id.' }],
        ['?channel_id=abc', { channel_id: 'Invalid channel id.' }],
        ['?channel_id=4294967297', { channel_id: 'Invalid channel id.' }],
      ];
      for (const [query, message] of refused) {
        const reply = await totals(query);
        expect([query, reply.statusCode, reply.json()]).toEqual([query, 400, { message }]);
      }
    });
  });
});
