import { CacheKeys, createRedisClient, TwoLevelCache } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  AlgorithmCombine,
  type articleV1,
  type candidateV1,
  type channelV1,
  RECO_PARAMS_METADATA,
  RECO_PARAMS_OMIT,
} from '@app/contracts';
import {
  ARTICLE_GRPC,
  CANDIDATE_GRPC,
  CHANNEL_GRPC,
  grpcClientToken,
  protoFile,
  qualifiedServiceName,
  serviceConstructor,
} from '@app/grpc';
import {
  createTestRedis,
  eventually,
  freePort,
  grpcHealthStatus,
  testEnv,
  type TestDatabase,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import {
  credentials,
  type Client,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type Redis from 'ioredis';
import { defer, lastValueFrom, type Observable, throwError } from 'rxjs';

import { AuthoringService } from '../../apps/news/src/authoring/authoring.service';
import { CandidateRefresher } from '../../apps/recommend/src/candidates/candidate-refresher';
import { CandidateSnapshot } from '../../apps/recommend/src/candidates/candidate-snapshot';
import { recommendEnvSchema } from '../../apps/recommend/src/config/recommend.config';
import { ColdStartPublisher } from '../../apps/recommend/src/feed/cold-start.publisher';
import { startRecommendService } from '../../apps/recommend/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import { sqlTime } from './support/article-times';
import { type RecommendStack, startRecommendStack } from './support/recommend-stack';

/** `Track` as a client that keeps the proto's field names (the original Python backend) sees it. */
interface Track {
  exposure: string;
  recommends: Array<{
    article_id: string;
    params?: { click: string; collect: string; share: string; read: string };
  }>;
  time_stamp: string;
}

type Unary<Req, Res> = (
  request: Req,
  callback: (error: ServiceError | null, response: Res) => void,
) => void;
type UnaryWithMetadata<Req, Res> = (
  request: Req,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: Res) => void,
) => void;
type RecommendClient = Client & {
  user_recommend: Unary<
    { user_id: string; channel_id: number; article_num: number; time_stamp: string | number },
    Track
  >;
  article_recommend: Unary<{ article_id: string; article_num: number }, { article_id: string[] }>;
};

const AUTHOR = '1100000000000000001';
const READER = '1100000000000000099';
const NOW = Date.now();
/** Channel 1 holds POOL_SIZE approved articles; 2 and 3 a few; plus a draft and a banned one in 1. */
const POOL_SIZE = 25;
const id = (channel: number, n: number) => String(1_300_000_000_000_000 + channel * 1000 + n);
const CHANNEL1 = Array.from({ length: POOL_SIZE }, (_, n) => id(1, n + 1));
const DRAFT = id(1, 900);
const BANNED = id(1, 901);
const PYTHON_INTRO = id(2, 1);
const PYTHON_ASYNC = id(2, 2);
const GO_BASICS = id(2, 3);
const CHANNEL3 = [id(3, 1), id(3, 2), id(3, 3)];
const LATE_BANNED = CHANNEL1[0];
/** Approved after the pools were built: it joins them through RefreshCandidate. */
const LATE_APPROVED = id(3, 10);
/** Approved in news behind the jobs' back (as if its job were lost): only a refresh finds it. */
const UNNOTICED = id(3, 20);
/** Pending until the test reviews it through news, as the admin back office does. */
const REVIEWED = id(3, 11);

const ids = (track: Track) => track.recommends.map((item) => item.article_id);

/** A client exactly as the original backend builds it: the .proto, field names kept, no Nest. */
function newClient(port: number): RecommendClient {
  const definition = loadPackageDefinition(
    loadSync(protoFile('user_reco.proto'), { keepCase: true, longs: String, defaults: true }),
  );
  const UserRecommend = definition.UserRecommend as ServiceClientConstructor;
  return new UserRecommend(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as RecommendClient;
}

type CandidateClient = Client & {
  RefreshCandidate: Unary<
    candidateV1.RefreshCandidateRequest,
    candidateV1.RefreshCandidateResponse
  >;
};

/** A client of CandidateService as the worker's Nest client sees it (camelCase fields). */
function newCandidateClient(port: number): CandidateClient {
  const CandidateService = serviceConstructor(CANDIDATE_GRPC);
  return new CandidateService(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as CandidateClient;
}

describe('recommend service (UserRecommend over the original user_reco.proto)', () => {
  let stack: RecommendStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let state: Redis;
  let news: INestMicroservice | undefined;
  let recommend: INestApplicationContext | undefined;
  let recommendAddress: string;
  let newsAddress: string;
  let client: RecommendClient;
  let candidateClient: CandidateClient;

  /** Calls `method` of `on`, the shared service's client unless a test brings its own. */
  const call = <Req, Res>(
    method: Unary<Req, Res>,
    request: Req,
    on: RecommendClient = client,
  ): Promise<Res> =>
    new Promise((resolve, reject) =>
      method.call(on, request, (error, response) => (error ? reject(error) : resolve(response))),
    );
  const feed = (
    userId: string,
    channelId: number,
    timeStamp: number | string,
    articleNum = 10,
    on: RecommendClient = client,
  ) =>
    call(
      on.user_recommend,
      { user_id: userId, channel_id: channelId, article_num: articleNum, time_stamp: timeStamp },
      on,
    );
  const similar = (articleId: string, articleNum = 10, on: RecommendClient = client) =>
    call(on.article_recommend, { article_id: articleId, article_num: articleNum }, on);

  /**
   * Runs `body` against a recommend service of its own (its own Redis and port, the shared news,
   * `settings` on top), then closes what it opened whatever `body` did.
   */
  const withOwnRecommend = async (
    settings: Record<string, number>,
    body: (own: {
      service: INestApplicationContext;
      client: RecommendClient;
      state: Redis;
    }) => Promise<void>,
  ): Promise<void> => {
    const ownRedis = createTestRedis();
    const port = await freePort();
    const service = await startRecommendService(
      loadConfig(
        recommendEnvSchema,
        testEnv(database.settings, ownRedis, {
          RECOMMEND_GRPC_PORT: port,
          NEWS_GRPC_URL: newsAddress,
          RECO_REFRESH_INTERVAL_MS: 3_600_000,
          ...settings,
        }),
      ),
    );
    const ownState = createRedisClient(ownRedis.stateUrl, ownRedis.prefix);
    const ownClient = newClient(port);
    try {
      await body({ service, client: ownClient, state: ownState });
    } finally {
      ownClient.close();
      await ownState.quit();
      await service.close();
      await ownRedis.cleanup();
    }
  };

  beforeAll(async () => {
    stack = await startRecommendStack(async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
         (1, 'html', 1, 1, 1), (2, 'python', 2, 1, 1), (3, 'go', 3, 1, 0)`,
      );
      const rows: Array<[string, number, string, number, number]> = [
        ...CHANNEL1.map((articleId, n): [string, number, string, number, number] => [
          articleId,
          1,
          `html 第${n}篇`,
          2,
          n,
        ]),
        [DRAFT, 1, 'draft', 0, 0],
        [BANNED, 1, 'banned', 5, 0],
        [PYTHON_INTRO, 2, 'Python 并发编程入门', 2, 40],
        [PYTHON_ASYNC, 2, 'Python 并发编程进阶', 2, 41],
        [GO_BASICS, 2, '今日天气', 2, 30],
        ...CHANNEL3.map((articleId, n): [string, number, string, number, number] => [
          articleId,
          3,
          `go 第${n}篇`,
          2,
          50 + n,
        ]),
      ];
      for (const [articleId, channel, title, status, minutesAgo] of rows) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, ?, ?, '{"type":0,"images":[]}', ?, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            channel,
            title,
            status,
            sqlTime(NOW - minutesAgo * 60_000),
            sqlTime(NOW - minutesAgo * 60_000),
          ],
        );
      }
    });
    ({ database, redis, state, news, recommend, newsAddress } = stack);
    await stack.recommend.get(CandidateRefresher).refresh();

    recommendAddress = `127.0.0.1:${stack.recommendPort}`;
    client = newClient(stack.recommendPort);
    candidateClient = newCandidateClient(stack.recommendPort);
  });

  afterAll(async () => {
    client?.close();
    candidateClient?.close();
    await stack?.close();
  });

  it('reports SERVING once its pools are built (readiness is polled every 2 s)', async () => {
    const readyBy = Date.now() + 5_000;
    let health = await grpcHealthStatus(recommendAddress, 'UserRecommend');
    while (health !== 'SERVING' && Date.now() < readyBy) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      health = await grpcHealthStatus(recommendAddress, 'UserRecommend');
    }
    expect(health).toBe('SERVING');
  });

  it('builds candidate pools per channel from approved articles only', async () => {
    const pool = await state.zrevrange('reco:ch:1:candidates', 0, -1);
    expect([...pool].sort()).toEqual([...CHANNEL1].sort());
    expect(await state.zcard('reco:ch:0:candidates')).toBe(POOL_SIZE + 3 + CHANNEL3.length);
    expect(pool).not.toContain(DRAFT);
    expect(pool).not.toContain(BANNED);
  });

  it("keeps each channel's newest candidates in channel 0's pool, also those older than the newest RECO_CANDIDATES_PER_CHANNEL of all channels, and relates older articles to them", async () => {
    await withOwnRecommend({ RECO_CANDIDATES_PER_CHANNEL: 10 }, async (small) => {
      await small.service.get(CandidateRefresher).refresh();
      const pools = await Promise.all(
        [1, 2, 3].map((channel) => small.state.zrange(`reco:ch:${channel}:candidates`, 0, -1)),
      );
      // News lists by id: channel 1's ten are its highest ids, and channels 2 and 3 hold higher ones.
      expect(pools.map((pool) => pool.length)).toEqual([10, 3, 3]);
      const everyChannel = await small.state.zrange('reco:ch:0:candidates', 0, -1);
      expect([...everyChannel].sort()).toEqual(pools.flat().sort());
      // A reader of channel 1 finds its ten first in the all-channels feed.
      const reader = '1100000000000000098';
      await small.state.zadd(`user:${reader}:his:reading`, NOW / 1000, pools[0][0]);
      const result = await feed(reader, 0, NOW, 10, small.client);
      expect([...ids(result)].sort()).toEqual([...pools[0]].sort());
      // An article older than its channel's pool (opened from search or a collection) is read
      // from news: its related articles are the pool's that share its title words.
      const older = CHANNEL1[1];
      expect(pools[0]).not.toContain(older);
      const related = await similar(older, 10, small.client);
      expect([...related.article_id].sort()).toEqual([...pools[0]].sort());
    });
  });

  it('serves 10 distinct articles, then 10 new ones per newer stamp, repeating only once the pool is exhausted', async () => {
    const user = '1100000000000000010';
    const first = await feed(user, 1, NOW);
    expect(ids(first)).toHaveLength(10);
    expect(new Set(ids(first)).size).toBe(10);
    ids(first).forEach((articleId) => expect(CHANNEL1).toContain(articleId));
    expect(first.time_stamp).toBe('0');
    const exposure = JSON.parse(first.exposure) as Record<string, string>;
    expect(exposure).toEqual({
      action: 'exposure',
      userId: user,
      articleId: `[${ids(first).join(',')}]`,
      algorithmCombine: exposure.algorithmCombine,
    });
    expect(exposure.algorithmCombine).toMatch(/^Algo-[12]$/);
    // Every card carries its four strings, each the exposure's with its action and its own id.
    for (const { article_id: articleId, params } of first.recommends) {
      const actions = {
        click: params?.click,
        collect: params?.collect,
        share: params?.share,
        read: params?.read,
      };
      for (const [action, param] of Object.entries(actions))
        expect(param).toBe(
          `{"action":"${action}","userId":"${user}","articleId":"${articleId}","algorithmCombine":"${exposure.algorithmCombine}"}`,
        );
    }
    expect(first.exposure).toBe(
      `{"action":"exposure","userId":"${user}","articleId":"[${ids(first).join(',')}]","algorithmCombine":"${exposure.algorithmCombine}"}`,
    );

    const second = await feed(user, 1, Date.now() + 1000);
    expect(ids(second)).toHaveLength(10);
    expect(ids(second).filter((articleId) => ids(first).includes(articleId))).toEqual([]);
    expect(Number(second.time_stamp)).toBeGreaterThan(0);

    const third = await feed(user, 1, Date.now() + 2000);
    expect(Number(third.time_stamp)).toBeGreaterThan(Number(second.time_stamp));
    // 5 left in the pool come first, then it starts over without repeating within the batch
    const leftovers = ids(third).slice(0, POOL_SIZE - 20);
    expect(new Set([...ids(first), ...ids(second), ...leftovers])).toEqual(new Set(CHANNEL1));
    expect(new Set(ids(third)).size).toBe(10);

    // an older stamp replays the stored batch at or before it, with the next older stamp
    const replayFirst = await feed(user, 1, second.time_stamp);
    expect(ids(replayFirst)).toEqual(ids(first));
    expect(replayFirst.exposure).toBe('');
    expect(replayFirst.time_stamp).toBe('0');
    expect(replayFirst.recommends[0].params?.read).toContain('"action":"read"');
    const replaySecond = await feed(user, 1, third.time_stamp);
    expect(ids(replaySecond)).toEqual(ids(second));
    expect(replaySecond.time_stamp).toBe(second.time_stamp);
    expect(ids(await feed(user, 1, 1))).toEqual([]);
  });

  it('leaves the per-article strings out for a caller that sends x-reco-params: omit', async () => {
    const user = '1100000000000000013';
    const metadata = new Metadata();
    metadata.set(RECO_PARAMS_METADATA, RECO_PARAMS_OMIT);
    const userRecommend = client.user_recommend as unknown as UnaryWithMetadata<
      { user_id: string; channel_id: number; article_num: number; time_stamp: number },
      Track
    >;
    const lean = await new Promise<Track>((resolve, reject) =>
      userRecommend.call(
        client,
        { user_id: user, channel_id: 1, article_num: 10, time_stamp: NOW },
        metadata,
        (error, response) => (error ? reject(error) : resolve(response)),
      ),
    );
    expect(ids(lean)).toHaveLength(10);
    for (const item of lean.recommends) expect(item.params ?? null).toBeNull();
    expect(JSON.parse(lean.exposure) as Record<string, string>).toMatchObject({
      action: 'exposure',
      userId: user,
      articleId: `[${ids(lean).join(',')}]`,
    });
    // The same reader without the metadata gets the strings again (a replay of that batch).
    const next = await feed(user, 1, Date.now() + 1000);
    const replay = await feed(user, 1, next.time_stamp);
    expect(ids(replay)).toEqual(ids(lean));
    expect(replay.recommends[0].params?.click).toContain('"action":"click"');
  });

  it('keeps exposures per channel', async () => {
    const user = '1100000000000000011';
    await feed(user, 1, NOW);
    const other = await feed(user, 2, NOW);
    expect([...ids(other)].sort()).toEqual([PYTHON_INTRO, PYTHON_ASYNC, GO_BASICS].sort());
  });

  it('shows no article twice to one reader asking for fresh batches at once (two devices, a Python backend thread each)', async () => {
    const user = '1100000000000000015';
    const answers = await Promise.all(
      [1, 2, 3].map((offset) => feed(user, 1, NOW + offset * 1000, 5)),
    );
    const fresh = answers.filter((answer) => answer.exposure !== '');
    expect(fresh.length).toBeGreaterThan(0);
    const shown = fresh.flatMap(ids);
    expect(shown).toHaveLength(new Set(shown).size);
    // What each was dealt is what its stamp replays later, as if they had come one by one.
    const next = await feed(user, 1, Date.now() + 60_000, 5);
    expect(ids(next).filter((articleId) => shown.includes(articleId))).toEqual([]);
  });

  it('answers an empty result to an empty user_id and popular-recent articles to anonymous devices', async () => {
    const empty = await feed('', 1, NOW);
    expect(empty).toEqual({ exposure: '', recommends: [], time_stamp: '0' });

    await state.zadd('count:art:liking', 5000, CHANNEL1[POOL_SIZE - 1]);
    // Popularity reaches the snapshot at its next interval.
    await recommend?.get(CandidateSnapshot).sync();
    const anonymous = await feed('Anony device-1', 1, NOW, 3);
    expect(ids(anonymous)[0]).toBe(CHANNEL1[POOL_SIZE - 1]);
    expect(ids(anonymous)).toHaveLength(3);
    expect(JSON.parse(anonymous.exposure)).toMatchObject({ userId: 'Anony device-1' });
    const again = await feed('Anony device-1', 1, Date.now() + 1000, 3);
    expect(ids(again).filter((articleId) => ids(anonymous).includes(articleId))).toEqual([]);
    await state.zrem('count:art:liking', CHANNEL1[POOL_SIZE - 1]);
    await recommend?.get(CandidateSnapshot).sync();
  });

  it('puts the channels a user reads first in the all-channels feed', async () => {
    await state.zadd(
      `user:${READER}:his:reading`,
      NOW / 1000,
      CHANNEL3[0],
      NOW / 1000 + 1,
      CHANNEL3[1],
    );
    const result = await feed(READER, 0, NOW, 3);
    expect([...ids(result)].sort()).toEqual([...CHANNEL3].sort());
  });

  it('brings up the channels a user reads in the all-channels feed when none of their articles is among its newest RECO_RANK_WINDOW', async () => {
    await withOwnRecommend({ RECO_RANK_WINDOW: 10 }, async (small) => {
      await small.service.get(CandidateRefresher).refresh();
      // Channel 1's 25 articles are all newer than channel 3's.
      const newest = small.service
        .get(CandidateSnapshot)
        .pool(0)
        .slice(0, 10)
        .map((entry) => entry.id);
      expect(newest.filter((articleId) => CHANNEL3.includes(articleId))).toEqual([]);
      const reader = '1100000000000000097';
      await small.state.zadd(
        `user:${reader}:his:reading`,
        NOW / 1000,
        CHANNEL3[0],
        NOW / 1000 + 1,
        CHANNEL3[1],
      );
      const result = await feed(reader, 0, NOW, 3, small.client);
      expect([...ids(result)].sort()).toEqual([...CHANNEL3].sort());
    });
  });

  it('drops banned articles at the next refresh', async () => {
    const refresher = recommend!.get(CandidateRefresher);
    const snapshot = recommend!.get(CandidateSnapshot);
    const version = await state.get('reco:candidates:version');
    const generation = snapshot.poolsGeneration;
    // Nothing changed in news: the pools stay, and no replica has a reason to reload.
    await refresher.refresh();
    expect(await state.get('reco:candidates:version')).toBe(version);
    expect(snapshot.poolsGeneration).toBe(generation);

    await withTestConnection(database.settings, (query) =>
      query('UPDATE news_article_basic SET status = 5 WHERE article_id = ?', [LATE_BANNED]),
    );
    await refresher.refresh();
    expect(Number(await state.get('reco:candidates:version'))).toBeGreaterThan(Number(version));
    expect(snapshot.poolsGeneration).toBeGreaterThan(generation);
    expect(await state.zscore('reco:ch:1:candidates', LATE_BANNED)).toBeNull();
    const fresh = await feed('1100000000000000012', 1, NOW, 30);
    expect(ids(fresh)).toHaveLength(POOL_SIZE - 1);
    expect(ids(fresh)).not.toContain(LATE_BANNED);
  });

  it('reads cards at a refresh only for what the pools cannot tell: none when nothing is new', async () => {
    const articles = recommend!.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
    const getCards = jest.spyOn(articles, 'getArticleCards');
    try {
      await recommend!.get(CandidateRefresher).refresh();
      expect(getCards).not.toHaveBeenCalled();

      await withTestConnection(database.settings, (query) =>
        query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 3, 'go 测试入门', '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [UNNOTICED, AUTHOR, sqlTime(NOW - 120 * 60_000), sqlTime(NOW - 120 * 60_000)],
        ),
      );
      await recommend!.get(CandidateRefresher).refresh();
      expect(getCards.mock.calls.map(([request]) => request.articleIds)).toEqual([[UNNOTICED]]);
      expect(await state.zscore('reco:ch:3:candidates', UNNOTICED)).not.toBeNull();
      expect(await state.hget('reco:art:channel', UNNOTICED)).toBe('3');
      expect(await state.hget('reco:art:tokens', UNNOTICED)).toContain('测试');
    } finally {
      getCards.mockRestore();
    }
  });

  it('rebuilds on one replica per interval, and gives the interval back when a rebuild fails', async () => {
    const refresher = recommend!.get(CandidateRefresher);
    const lock = 'lock:reco:refresh';
    // The boot rebuild holds the lock for the interval: another tick within it does nothing.
    expect(await state.pttl(lock)).toBeGreaterThan(0);
    await expect(refresher.tick()).resolves.toBe(false);

    await state.del(lock);
    const channels = recommend!.get<channelV1.ChannelServiceClient>(grpcClientToken(CHANNEL_GRPC));
    const listChannels = jest
      .spyOn(channels, 'listChannels')
      .mockReturnValueOnce(throwError(() => new Error('14 UNAVAILABLE: news is down')));
    try {
      await expect(refresher.tick()).resolves.toBe(false);
      expect(await state.exists(lock)).toBe(0);
      // Half a second later the retry rebuilds and holds the next interval.
      await eventually(
        () => state.pttl(lock),
        (heldMs) => heldMs > 3_600_000 - 10_000,
        'the retry to rebuild and hold the interval',
        5_000,
        25,
      );
      expect(listChannels).toHaveBeenCalledTimes(2);
      await refresher.refresh();
    } finally {
      listChannels.mockRestore();
    }
  });

  it('holds the refresh lock for a short lease while it rebuilds, so a replica that dies mid-rebuild holds up the others briefly', async () => {
    const refresher = recommend!.get(CandidateRefresher);
    const lock = 'lock:reco:refresh';
    await state.del(lock);
    const channels = recommend!.get<channelV1.ChannelServiceClient>(grpcClientToken(CHANNEL_GRPC));
    const listChannelsOfNews = channels.listChannels.bind(channels);
    let answer = (): void => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const listChannels = jest
      .spyOn(channels, 'listChannels')
      .mockImplementationOnce((request) =>
        defer(() => answered.then(() => lastValueFrom(listChannelsOfNews(request)))),
      );
    try {
      const ticking = refresher.tick();
      await eventually(
        () => listChannels.mock.calls.length,
        (calls) => calls > 0,
        'the rebuild to ask news for its channels',
        5_000,
        10,
      );
      // A replica killed here would leave this much: not the hour-long interval.
      const heldWhileRebuilding = await state.pttl(lock);
      expect(heldWhileRebuilding).toBeGreaterThan(0);
      expect(heldWhileRebuilding).toBeLessThanOrEqual(30_000);

      answer();
      await expect(ticking).resolves.toBe(true);
      expect(await state.pttl(lock)).toBeGreaterThan(3_600_000 - 10_000);
    } finally {
      answer();
      listChannels.mockRestore();
    }
  });

  it('holds the refresh lock one interval from the round that took it, so the next round of that replica rebuilds again', async () => {
    const refresher = recommend!.get(CandidateRefresher);
    const lock = 'lock:reco:refresh';
    await state.del(lock);
    const rebuildMs = 1_500;
    const channels = recommend!.get<channelV1.ChannelServiceClient>(grpcClientToken(CHANNEL_GRPC));
    const listChannelsOfNews = channels.listChannels.bind(channels);
    const listChannels = jest
      .spyOn(channels, 'listChannels')
      .mockImplementationOnce((request) =>
        defer(() =>
          new Promise((resolve) => setTimeout(resolve, rebuildMs)).then(() =>
            lastValueFrom(listChannelsOfNews(request)),
          ),
        ),
      );
    try {
      await expect(refresher.tick()).resolves.toBe(true);
      // Held for the interval from the end of a rebuild, the lock outlived the round an interval
      // later by as long as the rebuild took, and each replica rebuilt every other round.
      expect(await state.pttl(lock)).toBeLessThanOrEqual(3_600_000 - rebuildMs);
      expect(await state.pttl(lock)).toBeGreaterThan(3_600_000 - rebuildMs - 10_000);
    } finally {
      listChannels.mockRestore();
    }
  });

  it('answers UNAVAILABLE while its pools were never built, so callers fall back', async () => {
    const coldRedis = createTestRedis();
    const [port, deadNewsPort] = [await freePort(), await freePort()];
    const cold = await startRecommendService(
      loadConfig(
        recommendEnvSchema,
        testEnv(database.settings, coldRedis, {
          RECOMMEND_GRPC_PORT: port,
          NEWS_GRPC_URL: `127.0.0.1:${deadNewsPort}`,
        }),
      ),
    );
    const coldClient = newClient(port);
    try {
      const error = await new Promise<ServiceError | null>((resolve) =>
        coldClient.user_recommend(
          { user_id: READER, channel_id: 1, article_num: 10, time_stamp: NOW },
          (failure) => resolve(failure),
        ),
      );
      expect(error?.code).toBe(status.UNAVAILABLE);
      // Not ready either: probes and `npm run dev` wait until it can recommend.
      expect(await grpcHealthStatus(`127.0.0.1:${port}`, 'UserRecommend')).toBe('NOT_SERVING');
    } finally {
      coldClient.close();
      await cold.close();
      await coldRedis.cleanup();
    }
  });

  it('keeps trying to rebuild while it has no pools and another replica holds the refresh lock, which may have died', async () => {
    const coldRedis = createTestRedis();
    // As a replica killed mid-rebuild leaves it: lapsing within its lease.
    await coldRedis
      .client('state')
      .set(`${coldRedis.prefix}lock:reco:refresh`, 'dead-replica', 'PX', 1_500);
    const port = await freePort();
    const cold = await startRecommendService(
      loadConfig(
        recommendEnvSchema,
        testEnv(database.settings, coldRedis, {
          RECOMMEND_GRPC_PORT: port,
          NEWS_GRPC_URL: newsAddress,
        }),
      ),
    );
    try {
      expect(await grpcHealthStatus(`127.0.0.1:${port}`, 'UserRecommend')).toBe('NOT_SERVING');
      await eventually(
        () => grpcHealthStatus(`127.0.0.1:${port}`, 'UserRecommend'),
        (health) => health === 'SERVING',
        'the recommend service to rebuild once the lock lapsed',
        15_000,
        200,
      );
    } finally {
      await cold.close();
      await coldRedis.cleanup();
    }
  });

  it('rebuilds its pools within a snapshot interval when the state Redis comes back without them, not at the next round', async () => {
    const ownRedis = createTestRedis();
    const port = await freePort();
    const own = await startRecommendService(
      loadConfig(
        recommendEnvSchema,
        testEnv(database.settings, ownRedis, {
          RECOMMEND_GRPC_PORT: port,
          NEWS_GRPC_URL: newsAddress,
          RECO_REFRESH_INTERVAL_MS: 3_600_000,
          RECO_SNAPSHOT_INTERVAL_MS: 200,
        }),
      ),
    );
    const ownClient = newClient(port);
    const raw = ownRedis.client('state');
    const pooled = () => raw.exists(`${ownRedis.prefix}reco:ch:1:candidates`);
    const drawn = () =>
      feed(READER, 1, Date.now(), 10, ownClient).then(
        (track) => ids(track).length,
        (error: ServiceError) => `code ${error.code}`,
      );
    try {
      await eventually(pooled, (exists) => exists === 1, 'the first rebuild', 15_000, 100);
      expect(await drawn()).toBe(10);
      // The state Redis restarted without its data (no append-only file, a failover to an empty
      // replica): every key of this service is gone, the refresh lock with them.
      const keys = await raw.keys(`${ownRedis.prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      await raw.del(...keys);
      await eventually(pooled, (exists) => exists === 1, 'pools rebuilt', 10_000, 100);
      await eventually(
        drawn,
        (count) => count === 10,
        'a feed from the rebuilt pools',
        10_000,
        100,
      );
    } finally {
      ownClient.close();
      await own.close();
      await ownRedis.cleanup();
    }
  });

  it('keeps trying to rebuild after the state Redis came back without its data while the replica whose rebuild began died in it', async () => {
    const ownRedis = createTestRedis();
    const port = await freePort();
    const own = await startRecommendService(
      loadConfig(
        recommendEnvSchema,
        testEnv(database.settings, ownRedis, {
          RECOMMEND_GRPC_PORT: port,
          NEWS_GRPC_URL: newsAddress,
          RECO_REFRESH_INTERVAL_MS: 3_600_000,
          RECO_SNAPSHOT_INTERVAL_MS: 200,
        }),
      ),
    );
    const raw = ownRedis.client('state');
    const pooled = () => raw.exists(`${ownRedis.prefix}reco:ch:1:candidates`);
    try {
      await eventually(pooled, (exists) => exists === 1, 'the first rebuild', 15_000, 100);
      const keys = await raw.keys(`${ownRedis.prefix}*`);
      // Data lost, then another replica began the rebuild (its stamp written) and was killed in
      // it: its lock lapses within its lease, and nobody else has begun one.
      await raw
        .multi()
        .del(...keys)
        .set(`${ownRedis.prefix}reco:candidates:stamps`, '1')
        .set(`${ownRedis.prefix}reco:candidates:rebuild`, '1')
        .set(`${ownRedis.prefix}lock:reco:refresh`, 'dead-replica', 'PX', 1_500)
        .exec();
      await eventually(
        () => grpcHealthStatus(`127.0.0.1:${port}`, 'UserRecommend'),
        (health) => health === 'NOT_SERVING',
        'the replica to find its pools gone',
        5_000,
        100,
      );
      await eventually(
        pooled,
        (exists) => exists === 1,
        'pools rebuilt once the lock lapsed',
        10_000,
        100,
      );
    } finally {
      await own.close();
      await ownRedis.cleanup();
    }
  });

  it('tells the replicas about pools a rebuild wrote whole but stopped before telling, at the next rebuild', async () => {
    await withOwnRecommend({}, async ({ service, client: ownClient, state: ownState }) => {
      await service.get(CandidateRefresher).refresh();
      const snapshot = service.get(CandidateSnapshot);
      // Every pool written, then the replica was killed before it bumped the version.
      await ownState.del('reco:candidates:version');
      await snapshot.reload();
      // Nothing changed in news since: this rebuild writes no pool again.
      await service.get(CandidateRefresher).refresh();
      expect(await snapshot.ready()).toBe(true);
      expect((await similar(PYTHON_INTRO, 10, ownClient)).article_id).toContain(PYTHON_ASYNC);
    });
  });

  it('answers related articles of the same channel, title matches first, never the article itself', async () => {
    const related = await similar(PYTHON_INTRO);
    expect(related.article_id).toEqual([PYTHON_ASYNC, GO_BASICS]);
    expect((await similar(PYTHON_INTRO, 1)).article_id).toEqual([PYTHON_ASYNC]);
    expect((await similar('1')).article_id).toEqual([]);
    expect((await similar(DRAFT)).article_id).toEqual([]);
  });

  describe("CandidateService.RefreshCandidate (the worker's candidates job)", () => {
    const refresh = (articleId: string) =>
      new Promise<candidateV1.RefreshCandidateResponse>((resolve, reject) =>
        candidateClient.RefreshCandidate({ articleId }, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
    /** As news does after a change: the article's cached card is dropped before the job runs. */
    const changeArticle = async (sql: string, values: unknown[]) => {
      await withTestConnection(database.settings, (query) => query(sql, values));
      await news!.get(TwoLevelCache).invalidate(CacheKeys.articleInfo(LATE_APPROVED));
    };
    const version = async () => Number(await state.get('reco:candidates:version'));
    const snapshotPool = (channelId: number) =>
      recommend!
        .get(CandidateSnapshot)
        .pool(channelId)
        .map((entry) => entry.id);

    it('is served, and reported SERVING with the rest', async () => {
      expect(await grpcHealthStatus(recommendAddress, qualifiedServiceName(CANDIDATE_GRPC))).toBe(
        'SERVING',
      );
    });

    it("puts a newly approved article in its channel's pool and channel 0's, here and in Redis for the other replicas", async () => {
      await withTestConnection(database.settings, (query) =>
        query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 3, 'go 并发入门', '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [LATE_APPROVED, AUTHOR, sqlTime(NOW - 60_000), sqlTime(NOW - 60_000)],
        ),
      );
      const before = await version();
      await expect(refresh(LATE_APPROVED)).resolves.toEqual({ candidate: true });
      expect(await state.zscore('reco:ch:3:candidates', LATE_APPROVED)).toBe(
        String(Math.floor((NOW - 60_000) / 1000) * 1000),
      );
      expect(await state.zscore('reco:ch:0:candidates', LATE_APPROVED)).not.toBeNull();
      expect(await version()).toBe(before + 1);
      expect(snapshotPool(3)[0]).toBe(LATE_APPROVED);
      expect(ids(await feed('1100000000000000077', 3, NOW))).toContain(LATE_APPROVED);
    });

    it('changes nothing (and makes no replica reload) when the article is already in place', async () => {
      const before = await version();
      await expect(refresh(LATE_APPROVED)).resolves.toEqual({ candidate: true });
      expect(await version()).toBe(before);
    });

    it('moves an article whose channel changed out of its old pool', async () => {
      await changeArticle('UPDATE news_article_basic SET channel_id = 2 WHERE article_id = ?', [
        LATE_APPROVED,
      ]);
      await expect(refresh(LATE_APPROVED)).resolves.toEqual({ candidate: true });
      expect(await state.zscore('reco:ch:3:candidates', LATE_APPROVED)).toBeNull();
      expect(await state.zscore('reco:ch:2:candidates', LATE_APPROVED)).not.toBeNull();
      expect(snapshotPool(3)).not.toContain(LATE_APPROVED);
      expect(snapshotPool(2)).toContain(LATE_APPROVED);
    });

    it('takes a banned article out of every pool at once', async () => {
      await changeArticle('UPDATE news_article_basic SET status = 5 WHERE article_id = ?', [
        LATE_APPROVED,
      ]);
      const before = await version();
      await expect(refresh(LATE_APPROVED)).resolves.toEqual({ candidate: false });
      for (const channel of [0, 2, 3])
        expect(await state.zscore(`reco:ch:${channel}:candidates`, LATE_APPROVED)).toBeNull();
      expect(await state.hget('reco:art:channel', LATE_APPROVED)).toBeNull();
      expect(await version()).toBe(before + 1);
      expect(snapshotPool(0)).not.toContain(LATE_APPROVED);
    });

    it('follows a review in news through the worker: approved joins the pools, banned leaves them', async () => {
      const worker: RunningWorker = await startWorker(
        loadConfig(
          workerEnvSchema,
          testEnv(database.settings, redis, {
            WORKER_QUEUES: 'candidates',
            WORKER_PORT: await freePort(),
            RECOMMEND_GRPC_URL: recommendAddress,
          }),
        ),
      );
      const inPool = async () => (await state.zscore('reco:ch:3:candidates', REVIEWED)) !== null;
      const until = async (expected: boolean) => {
        const deadline = Date.now() + 15_000;
        while ((await inPool()) !== expected && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 25));
        return inPool();
      };
      try {
        await withTestConnection(database.settings, (query) =>
          query(
            `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
             VALUES (?, ?, 3, 'go 泛型入门', '{"type":0,"images":[]}', 1, 1, ?, ?)`,
            [REVIEWED, AUTHOR, sqlTime(NOW - 30_000), sqlTime(NOW - 30_000)],
          ),
        );
        const review = (status: number) =>
          news!
            .get(AuthoringService)
            .review({ articleId: REVIEWED, status, reviewerId: 1, rejectReason: '' });
        await review(2);
        expect(await until(true)).toBe(true);
        expect(snapshotPool(0)).toContain(REVIEWED);
        await review(5);
        expect(await until(false)).toBe(false);
        expect(snapshotPool(3)).not.toContain(REVIEWED);
      } finally {
        await worker.close();
      }
    });

    it('leaves the pools alone for an article that never was a candidate, and refuses a malformed id', async () => {
      const before = await version();
      await expect(refresh(DRAFT)).resolves.toEqual({ candidate: false });
      expect(await version()).toBe(before);
      await expect(refresh('abc')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    });
  });

  describe('a rebuild reading news while articles are approved, banned or moved', () => {
    /** Approved after channel 3 was listed, its job applied before the rebuild wrote the pools. */
    const APPROVED_DURING = id(3, 40);
    /** A candidate banned while the rebuild reads cards. */
    const BANNED_DURING = id(3, 41);
    /** A candidate moved to channel 2 while the rebuild reads cards. */
    const MOVED_DURING = id(3, 42);
    /** Approved behind the jobs' back, so that each rebuild reads a card. */
    const UNNOTICED_FIRST = id(3, 43);
    const UNNOTICED_SECOND = id(3, 44);

    const articles = () =>
      recommend!.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
    const refresh = (articleId: string) =>
      new Promise<candidateV1.RefreshCandidateResponse>((resolve, reject) =>
        candidateClient.RefreshCandidate({ articleId }, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
    const insertApproved = (articleId: string, title: string, minutesAgo: number) =>
      withTestConnection(database.settings, (query) =>
        query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 3, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            title,
            sqlTime(NOW - minutesAgo * 60_000),
            sqlTime(NOW - minutesAgo * 60_000),
          ],
        ),
      );
    /** As news does: the row changes, the cached card is dropped, the job asks recommend to re-read it. */
    const changeAndRefresh = async (articleId: string, sql: string) => {
      await withTestConnection(database.settings, (query) => query(sql, [articleId]));
      await news!.get(TwoLevelCache).invalidate(CacheKeys.articleInfo(articleId));
      return refresh(articleId);
    };
    const pools = async (articleId: string) => {
      const pooled: number[] = [];
      for (const channel of [0, 1, 2, 3])
        if ((await state.zscore(`reco:ch:${channel}:candidates`, articleId)) !== null)
          pooled.push(channel);
      return pooled;
    };
    const snapshotPools = (articleId: string) => {
      const snapshot = recommend!.get(CandidateSnapshot);
      return [0, 1, 2, 3].filter((channel) =>
        snapshot.pool(channel).some((entry) => entry.id === articleId),
      );
    };

    /**
     * Runs a rebuild whose `method` call to news, once `holds` its request, answers only after
     * `change` ran (news was read before the change, the pools are written after it).
     */
    async function duringRebuild<Method extends 'listLatestArticles' | 'getArticleCards'>(
      method: Method,
      holds: (request: Parameters<articleV1.ArticleServiceClient[Method]>[0]) => boolean,
      change: () => Promise<unknown>,
    ): Promise<void> {
      const client = articles();
      const original = client[method].bind(client) as (
        request: Parameters<articleV1.ArticleServiceClient[Method]>[0],
      ) => Observable<unknown>;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let answered: () => void = () => undefined;
      const read = new Promise<void>((resolve) => (answered = resolve));
      const held = (request: Parameters<articleV1.ArticleServiceClient[Method]>[0]) =>
        !holds(request)
          ? original(request)
          : defer(async () => {
              const answer = await lastValueFrom(original(request));
              answered();
              await gate;
              return answer;
            });
      const spy = jest
        .spyOn(client, method as 'getArticleCards')
        .mockImplementation(held as unknown as articleV1.ArticleServiceClient['getArticleCards']);
      try {
        const rebuilding = recommend!.get(CandidateRefresher).refresh();
        await read;
        await change();
        release();
        await rebuilding;
      } finally {
        release();
        spy.mockRestore();
      }
    }

    it('keeps an article approved while channels are listed', async () => {
      await duringRebuild(
        'listLatestArticles',
        (request) => request.channelId === 3,
        async () => {
          await insertApproved(APPROVED_DURING, 'rust 所有权入门', 5);
          await expect(refresh(APPROVED_DURING)).resolves.toEqual({ candidate: true });
        },
      );
      expect(await pools(APPROVED_DURING)).toEqual([0, 3]);
      expect(await state.hget('reco:art:channel', APPROVED_DURING)).toBe('3');
      expect(await state.hget('reco:art:tokens', APPROVED_DURING)).toContain('所有权');
      expect(snapshotPools(APPROVED_DURING)).toEqual([0, 3]);
      expect(ids(await feed('1100000000000000201', 3, NOW, 30))).toContain(APPROVED_DURING);
    });

    it('does not bring back an article banned while cards are read', async () => {
      await insertApproved(BANNED_DURING, 'rust 生命周期', 6);
      await expect(refresh(BANNED_DURING)).resolves.toEqual({ candidate: true });
      await insertApproved(UNNOTICED_FIRST, 'rust 宏', 7);
      await duringRebuild(
        'getArticleCards',
        (request) => request.articleIds.includes(UNNOTICED_FIRST),
        async () =>
          expect(
            await changeAndRefresh(
              BANNED_DURING,
              'UPDATE news_article_basic SET status = 5 WHERE article_id = ?',
            ),
          ).toEqual({ candidate: false }),
      );
      expect(await pools(BANNED_DURING)).toEqual([]);
      expect(await state.hget('reco:art:channel', BANNED_DURING)).toBeNull();
      expect(snapshotPools(BANNED_DURING)).toEqual([]);
      expect(ids(await feed('1100000000000000202', 3, NOW, 30))).not.toContain(BANNED_DURING);
      // What the rebuild read is still written around it.
      expect(await pools(UNNOTICED_FIRST)).toEqual([0, 3]);
    });

    it('moves an article edited into another channel while cards are read out of its old pool, once in channel 0', async () => {
      await insertApproved(MOVED_DURING, 'rust 异步', 8);
      await expect(refresh(MOVED_DURING)).resolves.toEqual({ candidate: true });
      await insertApproved(UNNOTICED_SECOND, 'rust 错误处理', 9);
      await duringRebuild(
        'getArticleCards',
        (request) => request.articleIds.includes(UNNOTICED_SECOND),
        async () =>
          expect(
            await changeAndRefresh(
              MOVED_DURING,
              'UPDATE news_article_basic SET channel_id = 2 WHERE article_id = ?',
            ),
          ).toEqual({ candidate: true }),
      );
      expect(await pools(MOVED_DURING)).toEqual([0, 2]);
      expect(await state.hget('reco:art:channel', MOVED_DURING)).toBe('2');
      expect(snapshotPools(MOVED_DURING)).toEqual([0, 2]);
      const snapshot = recommend!.get(CandidateSnapshot);
      expect(snapshot.pool(0).filter((entry) => entry.id === MOVED_DURING)).toHaveLength(1);
      expect(snapshot.article(MOVED_DURING)?.channelId).toBe(2);
    });
  });

  describe('jobs and rebuilds at once, on two replicas', () => {
    /** Approved in news, its job not yet run; banned while that job reads it. */
    const BANNED_WHILE_APPROVING = id(3, 60);
    /** Banned while one replica's rebuild reads cards and the other's rebuilds whole. */
    const BANNED_DURING_TWO = id(3, 61);
    const UNNOTICED_THIRD = id(3, 62);
    /** Banned while the second replica's snapshot still holds it. */
    const BANNED_BEHIND = id(3, 63);
    /** Banned while its approval's job reads it, the ban's job lost. */
    const BAN_JOB_LOST = id(3, 64);
    /** In a channel that is hidden after it was built. */
    const IN_HIDDEN = id(4, 1);

    let second: INestApplicationContext;
    let cache: Redis;

    const refresh = (articleId: string) =>
      new Promise<candidateV1.RefreshCandidateResponse>((resolve, reject) =>
        candidateClient.RefreshCandidate({ articleId }, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
    const insertApproved = (articleId: string, channel: number, title: string, minutes: number) =>
      withTestConnection(database.settings, (query) =>
        query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, ?, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            channel,
            title,
            sqlTime(NOW - minutes * 60_000),
            sqlTime(NOW - minutes * 60_000),
          ],
        ),
      );
    /** As news does after a change: the row, then its cached card dropped. */
    const change = async (articleId: string, sql: string) => {
      await withTestConnection(database.settings, (query) => query(sql, [articleId]));
      await news!.get(TwoLevelCache).invalidate(CacheKeys.articleInfo(articleId));
    };
    const ban = (articleId: string) =>
      change(articleId, 'UPDATE news_article_basic SET status = 5 WHERE article_id = ?');
    const pools = async (articleId: string) => {
      const pooled: number[] = [];
      for (const channel of [0, 1, 2, 3, 4])
        if ((await state.zscore(`reco:ch:${channel}:candidates`, articleId)) !== null)
          pooled.push(channel);
      return pooled;
    };
    const snapshotPools = (app: INestApplicationContext, articleId: string) => {
      const snapshot = app.get(CandidateSnapshot);
      return snapshot
        .channelIds()
        .filter((channel) => snapshot.pool(channel).some((entry) => entry.id === articleId));
    };

    /**
     * Holds the first GetArticleCards call of `app` that asks for `articleId` once news answered
     * it: `read` resolves then, `release` lets the answer through.
     */
    function holdCards(app: INestApplicationContext, articleId: string) {
      const client = app.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
      const original = client.getArticleCards.bind(client);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let answered: () => void = () => undefined;
      const read = new Promise<void>((resolve) => (answered = resolve));
      let holding = true;
      const spy = jest
        .spyOn(client, 'getArticleCards')
        .mockImplementation((request: articleV1.GetArticleCardsRequest) => {
          if (!holding || !request.articleIds.includes(articleId)) return original(request);
          holding = false;
          return defer(async () => {
            const answer = await lastValueFrom(original(request));
            answered();
            await gate;
            return answer;
          });
        });
      return {
        read,
        release,
        restore: () => {
          release();
          spy.mockRestore();
        },
      };
    }

    beforeAll(async () => {
      cache = createRedisClient(redis.cacheUrl, redis.prefix);
      second = await startRecommendService(
        loadConfig(
          recommendEnvSchema,
          testEnv(database.settings, redis, {
            NEWS_GRPC_URL: newsAddress,
            RECOMMEND_GRPC_PORT: await freePort(),
            RECO_REFRESH_INTERVAL_MS: 3_600_000,
            // Its snapshot follows Redis only when the test says so.
            RECO_SNAPSHOT_INTERVAL_MS: 3_600_000,
          }),
        ),
      );
      await second.get(CandidateSnapshot).sync();
    });

    afterAll(async () => {
      await second?.close();
      await cache?.quit();
    });

    it("does not let an approval's job that read the article before its ban put it back", async () => {
      await insertApproved(BANNED_WHILE_APPROVING, 3, 'rust 借用检查', 11);
      const held = holdCards(recommend!, BANNED_WHILE_APPROVING);
      try {
        const approving = refresh(BANNED_WHILE_APPROVING);
        await held.read;
        await ban(BANNED_WHILE_APPROVING);
        // The ban's job, on another worker, finds nothing to take out.
        await expect(refresh(BANNED_WHILE_APPROVING)).resolves.toEqual({ candidate: false });
        held.release();
        // Acknowledged: the state a later reading put in place stays.
        await expect(approving).resolves.toEqual({ candidate: false });
      } finally {
        held.restore();
      }
      expect(await pools(BANNED_WHILE_APPROVING)).toEqual([]);
      expect(await state.hget('reco:art:channel', BANNED_WHILE_APPROVING)).toBeNull();
      expect(snapshotPools(recommend!, BANNED_WHILE_APPROVING)).toEqual([]);
      expect(ids(await feed('1100000000000000301', 3, NOW, 30))).not.toContain(
        BANNED_WHILE_APPROVING,
      );
    });

    it("does not let an approval's job that read the article before a ban whose job was lost put it back after the rebuild that read the ban", async () => {
      await insertApproved(BAN_JOB_LOST, 3, 'rust 生命周期', 15);
      const held = holdCards(recommend!, BAN_JOB_LOST);
      try {
        const approving = refresh(BAN_JOB_LOST);
        await held.read;
        await ban(BAN_JOB_LOST);
        // The ban's job never runs; the next rebuild (here on the other replica) reads the ban.
        await second.get(CandidateRefresher).refresh();
        held.release();
        // The approval's job read before that rebuild began: it reads the article again.
        await expect(approving).resolves.toEqual({ candidate: false });
      } finally {
        held.restore();
      }
      expect(await pools(BAN_JOB_LOST)).toEqual([]);
      expect(await state.hget('reco:art:channel', BAN_JOB_LOST)).toBeNull();
      expect(snapshotPools(recommend!, BAN_JOB_LOST)).toEqual([]);
      expect(ids(await feed('1100000000000000302', 3, NOW, 30))).not.toContain(BAN_JOB_LOST);
    });

    it("keeps a ban when another replica's rebuild ends while this one's still reads news", async () => {
      await insertApproved(BANNED_DURING_TWO, 3, 'rust 智能指针', 12);
      await expect(refresh(BANNED_DURING_TWO)).resolves.toEqual({ candidate: true });
      await insertApproved(UNNOTICED_THIRD, 3, 'rust 模式匹配', 13);
      const held = holdCards(recommend!, UNNOTICED_THIRD);
      try {
        // This replica's rebuild outlives its lock: it listed and read the pools before the ban.
        const rebuilding = recommend!.get(CandidateRefresher).refresh();
        await held.read;
        await ban(BANNED_DURING_TWO);
        await expect(refresh(BANNED_DURING_TWO)).resolves.toEqual({ candidate: false });
        // The other replica took the lock over and rebuilt whole meanwhile.
        await second.get(CandidateRefresher).refresh();
        held.release();
        await rebuilding;
      } finally {
        held.restore();
      }
      expect(await pools(BANNED_DURING_TWO)).toEqual([]);
      expect(snapshotPools(recommend!, BANNED_DURING_TWO)).toEqual([]);
      expect(await pools(UNNOTICED_THIRD)).toEqual([0, 3]);
    });

    it('publishes no cold-start run from a snapshot that is behind a ban applied on another replica', async () => {
      await insertApproved(BANNED_BEHIND, 3, 'rust 特征对象', 1);
      await expect(refresh(BANNED_BEHIND)).resolves.toEqual({ candidate: true });
      const behind = second.get(CandidateSnapshot);
      await behind.sync();
      expect(snapshotPools(second, BANNED_BEHIND)).toEqual([0, 3]);
      // Its popularity interval came round before its next version check.
      await behind.sync();

      await ban(BANNED_BEHIND);
      await expect(refresh(BANNED_BEHIND)).resolves.toEqual({ candidate: false });
      await expect(second.get(ColdStartPublisher).publish()).resolves.toBe(true);
      for (const algorithm of Object.values(AlgorithmCombine)) {
        const run = await cache.get(CacheKeys.feedColdStartIds(3, algorithm));
        expect(run?.split(',')).toEqual(expect.arrayContaining([CHANNEL3[0]]));
        expect(run?.split(',')).not.toContain(BANNED_BEHIND);
      }
    });

    it('never makes a pool again for a channel hidden since the rebuild, from a job', async () => {
      await withTestConnection(database.settings, (query) =>
        query(
          `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (4, 'rust', 4, 1, 0)`,
        ),
      );
      await insertApproved(IN_HIDDEN, 4, 'rust 入门', 14);
      await cache.del(CacheKeys.allChannels());
      const refresher = recommend!.get(CandidateRefresher);
      await refresher.refresh();
      expect(await pools(IN_HIDDEN)).toEqual([0, 4]);

      await withTestConnection(database.settings, (query) =>
        query('UPDATE news_channel SET is_visible = 0 WHERE channel_id = 4'),
      );
      await cache.del(CacheKeys.allChannels());
      await refresher.refresh();
      expect(await state.exists('reco:ch:4:candidates')).toBe(0);

      // An edit of the article: its job runs before the next rebuild.
      await change(
        IN_HIDDEN,
        "UPDATE news_article_basic SET title = 'rust 宏编程' WHERE article_id = ?",
      );
      await expect(refresh(IN_HIDDEN)).resolves.toEqual({ candidate: true });
      expect(await pools(IN_HIDDEN)).toEqual([0]);
      expect(await state.sismember('reco:channels', '4')).toBe(0);
      expect(recommend!.get(CandidateSnapshot).channelIds()).not.toContain(4);
      expect(snapshotPools(recommend!, IN_HIDDEN)).toEqual([0]);
      await recommend!.get(ColdStartPublisher).publish();
      for (const algorithm of Object.values(AlgorithmCombine))
        expect(await cache.exists(CacheKeys.feedColdStartIds(4, algorithm))).toBe(0);
    });
  });

  it("relates an article older than its channel's pool by its title words, as news has it", async () => {
    // Channel 5: twelve approved articles, the ten newest in a pool of ten. One of those shares
    // two title words with the oldest, the others none.
    const CHANNEL = 5;
    const titles = new Map<number, string>([
      [1, 'rust 并发 入门'],
      [7, 'rust 并发 编程'],
    ]);
    await withTestConnection(database.settings, async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (?, 'rust 进阶', 5, 1, 0)`,
        [CHANNEL],
      );
      for (let n = 1; n <= 12; n += 1) {
        const created = sqlTime(NOW - (200 - n) * 60_000);
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, ?, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [id(CHANNEL, n), AUTHOR, CHANNEL, titles.get(n) ?? `天气 第${n}篇`, created, created],
        );
      }
    });
    const cache = createRedisClient(redis.cacheUrl, redis.prefix);
    await cache.del(CacheKeys.allChannels());
    await cache.quit();
    await withOwnRecommend({ RECO_CANDIDATES_PER_CHANNEL: 10 }, async (small) => {
      await small.service.get(CandidateRefresher).refresh();
      const pool = small.service
        .get(CandidateSnapshot)
        .pool(CHANNEL)
        .map((entry) => entry.id);
      expect([...pool].sort()).toEqual(
        Array.from({ length: 10 }, (_, n) => id(CHANNEL, n + 3)).sort(),
      );
      const related = await similar(id(CHANNEL, 1), 3, small.client);
      // The title match first, then the newest.
      expect(related.article_id).toEqual([id(CHANNEL, 7), id(CHANNEL, 12), id(CHANNEL, 11)]);
    });
  });

  it("puts the first article approved in a channel that had none in that channel's pool", async () => {
    const CHANNEL = 6;
    const FIRST = id(CHANNEL, 1);
    await withTestConnection(database.settings, (query) =>
      query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (?, 'kotlin', 6, 1, 0)`,
        [CHANNEL],
      ),
    );
    const cache = createRedisClient(redis.cacheUrl, redis.prefix);
    await cache.del(CacheKeys.allChannels());
    await cache.quit();
    // The rebuild finds the channel listed by news, with nothing approved in it yet.
    await recommend!.get(CandidateRefresher).refresh();

    await withTestConnection(database.settings, (query) =>
      query(
        `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
         VALUES (?, ?, ?, 'kotlin 入门', '{"type":0,"images":[]}', 2, 1, ?, ?)`,
        [FIRST, AUTHOR, CHANNEL, sqlTime(NOW - 60_000), sqlTime(NOW - 60_000)],
      ),
    );
    const refreshed = await new Promise<candidateV1.RefreshCandidateResponse>((resolve, reject) =>
      candidateClient.RefreshCandidate({ articleId: FIRST }, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
    expect(refreshed).toEqual({ candidate: true });
    expect(await state.zscore(`reco:ch:${CHANNEL}:candidates`, FIRST)).not.toBeNull();
    expect(ids(await feed('1100000000000000066', CHANNEL, Date.now()))).toEqual([FIRST]);
  });
});
