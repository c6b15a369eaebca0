import { protoFile } from '@app/grpc';
import {
  createTestRedis,
  type RedisServer,
  startRedisServer,
  type TestRedis,
  TEST_REDIS_URL,
} from '@app/testing';
import {
  type Client,
  credentials,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { CandidateRefresher } from '../../apps/recommend/src/candidates/candidate-refresher';
import { sqlTime } from './support/article-times';
import { type RecommendStack, startRecommendStack } from './support/recommend-stack';

interface User {
  user_id: string;
  channel_id: number;
  article_num: number;
  time_stamp: string | number;
}

interface Track {
  exposure: string;
  recommends: Array<{ article_id: string }>;
  time_stamp: string;
}

type Unary<Req, Res> = (
  request: Req,
  callback: (error: ServiceError | null, response: Res) => void,
) => void;
type RecommendClient = Client & {
  user_recommend: Unary<User, Track>;
  article_recommend: Unary<{ article_id: string; article_num: number }, { article_id: string[] }>;
};

const AUTHOR = '1100000000000000001';
const READER = '1100000000000000020';
const NOW = Date.now();
const ARTICLES = Array.from({ length: 12 }, (_, n) => String(1_400_000_000_000_000 + n + 1));

/** A client as the original Python backend builds it: the .proto, field names kept, no Nest. */
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

/** What `user_recommend` and `article_recommend` answer to what the original contract lets a caller send. */
describe('recommend service: requests of the original user_reco.proto at its edges', () => {
  let stack: RecommendStack;
  let stateServer: RedisServer;
  let redis: TestRedis;
  let client: RecommendClient;

  const call = <Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> =>
    new Promise((resolve, reject) =>
      method.call(client, request, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
  const feed = (request: Partial<User>) =>
    call(client.user_recommend, {
      user_id: READER,
      channel_id: 1,
      article_num: 10,
      time_stamp: NOW,
      ...request,
    });
  const similar = (articleId: string, articleNum = 10) =>
    call(client.article_recommend, { article_id: articleId, article_num: articleNum });
  const failure = (answer: Promise<unknown>) =>
    answer.then(
      () => undefined,
      (error: ServiceError) => ({ code: error.code, details: error.details }),
    );
  /** The anonymous readers' exposures and batches (unprefixed names). */
  const anonymousKeys = async () =>
    (await redis.client('state').keys(`${redis.prefix}reco:u:anon:*`)).map((key) =>
      key.slice(redis.prefix.length),
    );

  beforeAll(async () => {
    // The state role on a redis-server of this file's own, which a test stops.
    stateServer = await startRedisServer({ appendOnly: false });
    redis = createTestRedis({ cache: TEST_REDIS_URL, state: stateServer.url });
    stack = await startRecommendStack(async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
      );
      for (const [n, articleId] of ARTICLES.entries())
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            `html 第${n}篇`,
            sqlTime(NOW - n * 60_000),
            sqlTime(NOW - n * 60_000),
          ],
        );
    }, redis);
    await stack.recommend.get(CandidateRefresher).refresh();
    client = newClient(stack.recommendPort);
  });

  afterAll(async () => {
    client?.close();
    await stack?.close();
    await stateServer?.remove();
  });

  afterEach(async () => {
    const keys = await anonymousKeys();
    if (keys.length > 0) await stack.state.del(...keys);
  });

  it('serves a well-formed request (the setup works)', async () => {
    const answer = await feed({ user_id: '1100000000000000021' });
    expect(answer.recommends).toHaveLength(10);
  });

  it('draws one batch for requests of one reader, channel and stamp at once, also a stamp ahead of its clock, and replays it to a retry', async () => {
    // A stamp an hour ahead is stored as the service's clock (and 5 s): each of these drew a batch
    // of its own, counted as shown, and a retry another.
    for (const stamp of [NOW + 1_000, NOW + 3_600_000]) {
      const reader = `Anony same-stamp-${stamp}`;
      const same = () => feed({ user_id: reader, time_stamp: stamp, article_num: 3 });
      const answers = [...(await Promise.all([same(), same(), same()])), await same()];
      const ids = answers.map((answer) => answer.recommends.map((item) => item.article_id));
      expect(new Set(ids.map((batch) => batch.join())).size).toBe(1);
      expect(answers.filter((answer) => answer.exposure !== '')).toHaveLength(1);
      expect(answers.map((answer) => answer.time_stamp)).toEqual(['0', '0', '0', '0']);
      // The next page is drawn past that one batch.
      const next = await feed({ user_id: reader, time_stamp: stamp + 1, article_num: 3 });
      expect(next.recommends.map((item) => item.article_id)).toEqual(ARTICLES.slice(3, 6));
    }
  });

  it('replays a stamp ahead of its clock to that request sent again after two or more later batches were drawn', async () => {
    // Each of these is stored at the service's clock (and 5 s), below the stamps that follow it:
    // a retry read the newest and the two batches stored at or before its stamp, not its own
    // batch, so it drew another, counted as shown.
    const reader = 'Anony late-retry';
    const page = (stamp: number) => feed({ user_id: reader, time_stamp: stamp, article_num: 2 });
    const asked = [0, 1, 2, 3].map((n) => NOW + 3_600_000 + n * 1_000);
    const answers: Track[] = [];
    for (const stamp of asked) answers.push(await page(stamp));
    const ids = (answer: Track) => answer.recommends.map((item) => item.article_id);
    expect(answers.map(ids)).toEqual([0, 2, 4, 6].map((n) => ARTICLES.slice(n, n + 2)));

    // Oldest first: three, two, one and no batches drawn after it. Each answers the cursor it
    // answered when drawn (the stamp of the batch before it, 0 for the first).
    for (const [n, stamp] of asked.entries()) {
      const again = await page(stamp);
      expect({ ids: ids(again), exposure: again.exposure, cursor: again.time_stamp }).toEqual({
        ids: ids(answers[n]),
        exposure: '',
        cursor: answers[n].time_stamp,
      });
    }
    // Nothing more was counted as shown: the next page goes on from the fourth batch.
    expect(ids(await page(asked[3] + 1_000))).toEqual(ARTICLES.slice(8, 10));
  });

  it('answers a time_stamp of 0 nothing once the reader has batches, also one whose first request sent 0', async () => {
    // 0 is the cursor that says nothing older is left: a client asks it when it scrolls past the
    // oldest batch, and stops at an empty page. The first batch of a reader whose first request
    // sent 0 (stored as the first stamp, 1) came again with cursor 0, page after page.
    const reader = 'Anony unset-first';
    const page = (stamp: number) => feed({ user_id: reader, time_stamp: stamp, article_num: 2 });
    const first = await page(0);
    expect({
      ids: first.recommends.map((item) => item.article_id),
      cursor: first.time_stamp,
    }).toEqual({
      ids: ARTICLES.slice(0, 2),
      cursor: '0',
    });
    // At once, and after two later batches.
    const again = [await page(0)];
    for (const stamp of [NOW, NOW + 1_000]) expect((await page(stamp)).recommends).toHaveLength(2);
    again.push(await page(0));
    const ended = (answer: Track) => ({
      ids: answer.recommends.map((item) => item.article_id),
      cursor: answer.time_stamp,
    });
    expect(again.map(ended)).toEqual([
      { ids: [], cursor: '0' },
      { ids: [], cursor: '0' },
    ]);
    expect(again.map((answer) => answer.exposure)).toEqual(['', '']);
  });

  it('refuses a user_id longer than 128 characters, which every tracking string of the answer would repeat, and records nothing', async () => {
    // 200 000 characters: the batch was drawn and recorded as shown, and its 41 tracking strings
    // made an 8 MB answer that the caller refused (RESOURCE_EXHAUSTED).
    for (const userId of ['x'.repeat(200_000), 'x'.repeat(129)])
      expect(await failure(feed({ user_id: userId }))).toEqual({
        code: status.INVALID_ARGUMENT,
        details: 'user_id must be at most 128 characters',
      });
    expect(await anonymousKeys()).toEqual([]);
    const longest = await feed({ user_id: 'y'.repeat(128), article_num: 1 });
    expect(longest.recommends).toHaveLength(1);
    expect(JSON.parse(longest.exposure)).toMatchObject({ userId: 'y'.repeat(128) });
  });

  it('refuses a negative channel_id, article_num or time_stamp, and records nothing', async () => {
    // They were read as channel 0 (every channel), 10 articles, and a fresh batch stored at 1.
    const reader = 'Anony negative-fields';
    for (const [field, value] of [
      ['channel_id', -1],
      ['channel_id', -2_147_483_648],
      ['article_num', -1],
      ['time_stamp', -1],
      ['time_stamp', '-9223372036854775808'],
    ] as const)
      expect(await failure(feed({ user_id: reader, [field]: value }))).toEqual({
        code: status.INVALID_ARGUMENT,
        details: `${field} must not be negative`,
      });
    expect(await anonymousKeys()).toEqual([]);
    // 0 is proto3's unset value: every channel, 10 articles, the first batch.
    const unset = await feed({ user_id: reader, channel_id: 0, article_num: 0, time_stamp: 0 });
    expect(unset.recommends).toHaveLength(10);
  });

  it('refuses an article_recommend of an article_id not above 0 or a negative article_num', async () => {
    // An id of 0 or below answered an empty list, as if the article had no related articles.
    for (const [request, details] of [
      [{ article_id: '0', article_num: 10 }, 'article_id must be positive'],
      [{ article_id: '-1', article_num: 10 }, 'article_id must be positive'],
      [{ article_id: '-9223372036854775808', article_num: 10 }, 'article_id must be positive'],
      [{ article_id: ARTICLES[0], article_num: -1 }, 'article_num must not be negative'],
    ] as const)
      expect(await failure(call(client.article_recommend, request))).toEqual({
        code: status.INVALID_ARGUMENT,
        details,
      });
    // 0 articles is the unset value: 10.
    const unset = await call(client.article_recommend, { article_id: ARTICLES[0], article_num: 0 });
    expect(unset.article_id).toHaveLength(10);
  });

  it('answers UNAVAILABLE (to be tried again), not INTERNAL, while the state Redis is down, and serves again once it is back', async () => {
    const reader = '1100000000000000030';
    await stateServer.crash();
    try {
      expect(await failure(feed({ user_id: reader }))).toEqual({
        code: status.UNAVAILABLE,
        details: 'Service unavailable.',
      });
    } finally {
      await stateServer.start();
    }
    // It came back without its data (no append-only file): the pools are rebuilt.
    await stack.recommend.get(CandidateRefresher).refresh();
    expect((await feed({ user_id: reader })).recommends).toHaveLength(10);
  });

  it('answers UNAVAILABLE, not INTERNAL, for an article outside the pools while news is down', async () => {
    // Not a candidate: its channel and title are read from news.
    const outside = '1400000000000009999';
    await stack.stopNews();
    expect(await failure(similar(outside))).toEqual({
      code: status.UNAVAILABLE,
      details: 'Service unavailable.',
    });
    // The pools answer without news.
    expect((await similar(ARTICLES[0])).article_id).toHaveLength(10);
  });
});
