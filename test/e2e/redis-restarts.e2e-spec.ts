import { setImmediate as setImmediatePromise } from 'node:timers/promises';

import { CacheKeys, cacheInvalidationChannel, TwoLevelCache } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  createTestRedis,
  eventually,
  freePort,
  nextEvent,
  type RedisServer,
  startRedisServer,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { io, type Socket } from 'socket.io-client';

import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { createIm } from '../../apps/im/src/main';
import { UsersService } from '../../apps/user/src/users/users.service';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

/** How often a wait asks again: the apps reconnect within tens of milliseconds. */
const POLL_MS = 50;

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ARTICLE = '1294287382374383700';
const CYCLES = 6;
/**
 * Down longer than the two reconnection attempts after which a command of the other roles is
 * rejected (50 and 100 ms apart): a resubscription sent just before the crash could fail so.
 */
const DOWN_MS = 300;
/** What a request may answer while a store is down (its own answer once the store is back). */
const ANSWERS_WHILE_RESTARTING = [200, 201, 503, 504];
/** Well past a reconnection (at most REDIS_RECONNECT_MAX_MS after a restart) and a resubscription. */
const BACK_WITHIN_MS = 5_000;
/** Far longer than a published message takes to reach a subscriber on the same machine. */
const MESSAGE_WITHIN_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves as soon as a client of the Redis server at `url` has had its ready check (INFO)
 * answered. The apps' clients lost the server together and retry on one schedule, so they come
 * back together: the subscribers among them are then subscribing again.
 */
async function untilClientsAreBack(url: string): Promise<void> {
  const probe = new Redis(url, { enableReadyCheck: false, maxRetriesPerRequest: 0 });
  const deadline = Date.now() + BACK_WITHIN_MS;
  try {
    while (!/ cmd=info /.test(String(await probe.call('CLIENT', 'LIST')))) {
      if (Date.now() > deadline) throw new Error(`no client came back to ${url}`);
      await setImmediatePromise();
    }
  } finally {
    probe.disconnect();
  }
}

/** Crashes the server `cycles` times, each time again the moment the apps' clients are back. */
async function crashRepeatedly(server: RedisServer, cycles: number): Promise<void> {
  for (let cycle = 0; cycle < cycles; cycle++) {
    if (cycle > 0) await untilClientsAreBack(server.url);
    await server.crash();
    await sleep(DOWN_MS);
    await server.start();
  }
}

/**
 * The cache and state roles on Redis servers of their own, each crashed and restarted several
 * times in quick succession while requests are in flight, each crash but the first coming as the
 * apps' clients reconnect (while their subscriber connections subscribe again), under the user and
 * news services, a gateway and im.
 */
describe('Redis restarts in quick succession (e2e: gateway, user, news and im)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let im: NestFastifyApplication;
  let imPort: number;
  let readerToken: string;
  let authorToken: string;
  const sockets: Socket[] = [];

  const call = async (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    payload?: Record<string, unknown>,
  ) => {
    const response = await stack.gateway.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    return { status: response.statusCode, body: response.body };
  };
  const detail = () => call('GET', `/app/v1_0/articles/${ARTICLE}`, readerToken);
  const connect = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(`http://127.0.0.1:${imPort}`, {
        transports: ['websocket'],
        query: { token },
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const subscribers = async (server: 'cache' | 'state', channel: string) => {
    const reply = await stack.redis.client(server).call('PUBSUB', 'NUMSUB', channel);
    return Array.isArray(reply) ? Number(reply[1]) : 0;
  };
  const cacheSubscribers = () => subscribers('cache', cacheInvalidationChannel(stack.redis.prefix));
  // im's adapter listens on this channel once its subscription is live.
  const imSubscribers = () => subscribers('state', `${stack.redis.prefix}socket.io-request#/#`);

  beforeAll(async () => {
    [cacheServer, stateServer] = await Promise.all([
      startRedisServer({ appendOnly: false }),
      startRedisServer({ appendOnly: true }),
    ]);
    stack = await startArticleStack(
      {},
      createTestRedis({ cache: cacheServer.url, state: stateServer.url }),
    );
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'read through the restarts',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    im = await createIm(loadConfig(imEnvSchema, stack.env));
    imPort = await freePort();
    await im.listen(imPort, '127.0.0.1');
    readerToken = await stack.signIn(READER);
    authorToken = await stack.signIn(AUTHOR);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await im?.close();
    await stack?.close();
    await cacheServer?.remove();
    await stateServer?.remove();
  });

  it('serves, drops the gateway’s in-process copy of a renamed author by message and delivers a follow notification to a reader connected throughout, with no rejection left unhandled', async () => {
    expect((await detail()).status).toBe(200);
    const reader = await connect(readerToken);
    const cacheSubscribed = await cacheSubscribers();
    // The gateway, user and news services each listen for cache invalidations.
    expect(cacheSubscribed).toBe(3);
    expect(await imSubscribers()).toBe(1);

    // Requests in flight at the first crash and while the servers come and go.
    const inFlight = [
      detail(),
      call('GET', '/app/v1_0/user', readerToken),
      call('POST', '/app/v1_0/article/likings', readerToken, { target: ARTICLE }),
    ];
    const restarts = Promise.all([
      crashRepeatedly(cacheServer, CYCLES),
      crashRepeatedly(stateServer, CYCLES),
    ]);
    await sleep(DOWN_MS);
    inFlight.push(detail(), call('GET', '/app/v1_0/user', readerToken));
    await restarts;
    const answered = (await Promise.all(inFlight)).map(({ status }) => status);
    expect(answered.filter((status) => !ANSWERS_WHILE_RESTARTING.includes(status))).toEqual([]);

    // Every subscriber connection is subscribed again.
    await eventually(
      cacheSubscribers,
      (count) => count === cacheSubscribed,
      'every app subscribed again to cache invalidations',
      BACK_WITHIN_MS,
      POLL_MS,
    );
    await eventually(
      imSubscribers,
      (count) => count === 1,
      "im's adapter subscribed again",
      BACK_WITHIN_MS,
      POLL_MS,
    );

    // Every app serves: reads through the gateway (news, user) and writes (news, user).
    const read = await eventually(
      detail,
      ({ status }) => status === 200,
      'a read',
      BACK_WITHIN_MS,
      POLL_MS,
    );
    expect(JSON.parse(read.body)).toMatchObject({ data: { art_id: ARTICLE, aut_name: 'author' } });
    expect((await call('GET', '/app/v1_0/user', readerToken)).status).toBe(200);
    expect(
      (await call('POST', '/app/v1_0/article/collections', readerToken, { target: ARTICLE }))
        .status,
    ).toBe(201);

    // The gateway keeps the author's profile in process once a read found it in Redis (the user
    // service fills it there). A copy whose L1 time ran out stays held until it is read again, so
    // only an invalidation message can make it go.
    const gatewayCache = stack.gateway.get(TwoLevelCache);
    const heldProfile = () =>
      gatewayCache.peekLocal<{ name: string }>(CacheKeys.userProfile(AUTHOR), {
        allowStale: true,
      });
    await eventually(
      async () => ((await detail()).status === 200 ? heldProfile() : undefined),
      (held) => held !== undefined,
      "the gateway's copy of the author",
      BACK_WITHIN_MS,
      POLL_MS,
    );
    expect(heldProfile()).toMatchObject({ name: 'author' });
    await stack.userService.get(UsersService).updateProfile(AUTHOR, { name: 'renamed' });
    await eventually(
      heldProfile,
      (held) => held === undefined,
      "the gateway's copy of the renamed author dropped",
      MESSAGE_WITHIN_MS,
      POLL_MS,
    );
    expect(JSON.parse((await detail()).body)).toMatchObject({ data: { aut_name: 'renamed' } });

    // im delivers what the user service publishes through the state Redis.
    expect(reader.connected).toBe(true);
    const notified = nextEvent(reader, 'following notify', MESSAGE_WITHIN_MS);
    expect(
      (await call('POST', '/app/v1_0/user/followings', authorToken, { target: READER })).status,
    ).toBe(201);
    expect(await notified).toMatchObject({ user_id: AUTHOR, user_name: 'renamed' });
    expect((await connect(authorToken)).connected).toBe(true);

    // Jest fails the running test on a rejection nobody handles, reported on the next turns of the
    // event loop (a listener on the test's `process`, a copy, would never hear of it).
    await sleep(100);
  });
});
