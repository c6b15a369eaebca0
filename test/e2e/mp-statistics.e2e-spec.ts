import { loadConfig } from '@app/config';
import { signInForTest } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { HotCounters } from '../../apps/gateway/src/articles/hot-counters';
import { ReadingStatsRecorder } from '../../apps/gateway/src/articles/reading-stats.recorder';
import { mediaPlatformEnvSchema } from '../../apps/media-platform/src/config/media-platform.config';
import { createMediaPlatform } from '../../apps/media-platform/src/main';
import { type ArticleStack, seedArticles, seedUsers, startArticleStack } from './support/article-stack';

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
    stack.gateway.inject({ method, url: `/app/v1_0${url}`, headers, ...(payload ? { payload } : {}) });
  const report = (art_id: unknown, duration: unknown, headers: Headers = {}) =>
    app('POST', '/reading/durations', { trace: TRACE, ...headers }, { art_id, duration });
  const statistics = async (id: string): Promise<unknown> => {
    const reply = await mp.inject({ method: 'GET', url: `/mp/v1_0/statistics/articles/${id}`, headers: authorMp });
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
    await stack.sql("INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)");
    await seedArticles(stack, [
      { id: LONG, authorId: AUTHOR, channelId: 1, title: 'A long read', status: 2, createdAt: '2026-01-10 10:00:00', content: `<p>${'字'.repeat(600)}</p>\n<p>${'文'.repeat(400)}</p>` },
      { id: QUIET, authorId: AUTHOR, channelId: 1, title: 'A quiet one', status: 2, createdAt: '2026-01-10 11:00:00' },
      { id: PENDING, authorId: AUTHOR, channelId: 1, title: 'Not approved', status: 1, createdAt: '2026-01-10 12:00:00' },
    ]);
    mp = await createMediaPlatform(loadConfig(mediaPlatformEnvSchema, stack.env));
    await mp.init();
    await mp.getHttpAdapter().getInstance().ready();
    authorMp = { authorization: `Bearer ${(await signInForTest(stack.keys, stack.state, AUTHOR, { verified: true, scope: 'mp' })).token}` };
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
    expect(await stack.cache.exists(`user:${FAN}:relationship`, `user:${STRANGER}:relationship`)).toBe(1);

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
    expect(await statistics(QUIET)).toMatchObject({ time_spent: 0, conversion: { reco_count: 1, read_count: 0 } });
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
    expect(await stack.state.zrange('count:art:reco', 0, -1, 'WITHSCORES')).toEqual([QUIET, '1', LONG, '2']);
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
});
