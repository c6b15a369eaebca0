import { connect, createServer, type Server, type Socket } from 'node:net';

import { freePort } from '@app/testing';

import { BackgroundNotifications } from '../../apps/news/src/notifications/background-notifications';

import { BLACKLIST_CHECK_MS } from '../../apps/news/src/notifications/author-blacklist';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { tapNotifications } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
/** Never read by anyone before the user service hangs: their name is in no cache. */
const NEW_READER = '1294287382374383618';
/** Far past how long a notification may wait for the user service, so a wait for it shows. */
const GRPC_DEADLINE_MS = 20_000;
const ARTICLE = '1300000000000000001';
/**
 * The answer does not wait for the notification, nor so for the check of the author's blacklist,
 * which fails only past BLACKLIST_CHECK_MS.
 */
const ANSWER_WITHIN_MS = BLACKLIST_CHECK_MS;

/** A TCP relay to `port` that, frozen, passes nothing more either way (a hung pod). */
async function startRelay(
  port: number,
): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    client.pipe(upstream).on('error', () => undefined);
    upstream.pipe(client).on('error', () => undefined);
    if (frozen) [client, upstream].forEach((socket) => socket.pause());
  });
  const relayPort = await freePort();
  await new Promise<void>((resolve) => server.listen(relayPort, '127.0.0.1', resolve));
  return {
    port: relayPort,
    freeze: () => {
      frozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A user service that stops answering (a hung pod): the notifications' check of the author's
 * blacklist must not hold a like or a comment, stored by then, at all.
 */
describe('likes and comments while the user service hangs (e2e)', () => {
  let stack: ArticleStack;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let token: string;
  let newReaderToken: string;

  const call = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    const userPort = await freePort();
    relay = await startRelay(userPort);
    stack = await startArticleStack({
      USER_GRPC_PORT: userPort,
      USER_GRPC_URL: `127.0.0.1:${relay.port}`,
      GRPC_DEADLINE_MS,
    });
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: NEW_READER, name: 'new reader' },
    ]);
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'first',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1');
    token = await stack.signIn(READER);
    // Names and relations cached while the user service answers, as for a reader who just read.
    expect((await call('POST', '/article/likings', { target: ARTICLE })).statusCode).toBe(201);
    expect(
      (await call('POST', '/comments', { target: ARTICLE, content: 'first' })).statusCode,
    ).toBe(201);
    expect((await call('DELETE', `/article/likings/${ARTICLE}`)).statusCode).toBe(204);
    newReaderToken = await stack.signIn(NEW_READER);
    relay.freeze();
  });

  afterAll(async () => {
    await relay?.close();
    await stack?.close();
  });

  it('answers a comment at once', async () => {
    const started = Date.now();
    const response = await call('POST', '/comments', { target: ARTICLE, content: 'second' });
    expect({ status: response.statusCode, fast: Date.now() - started < ANSWER_WITHIN_MS }).toEqual({
      status: 201,
      fast: true,
    });
  });

  it('answers a like at once', async () => {
    const started = Date.now();
    const response = await call('POST', '/article/likings', { target: ARTICLE });
    expect({ status: response.statusCode, fast: Date.now() - started < ANSWER_WITHIN_MS }).toEqual({
      status: 201,
      fast: true,
    });
  });

  it("gives up a like's notification within the blacklist check's bound when the liker's name must be asked for, not the whole gRPC deadline", async () => {
    const background = stack.newsService!.get(BackgroundNotifications);
    const notifications = await tapNotifications(stack.redis);
    try {
      const response = await stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/article/likings',
        headers: { authorization: `Bearer ${newReaderToken}` },
        payload: { target: ARTICLE },
      });
      expect(response.statusCode).toBe(201);
      // Far past the check's bound, and short of the gRPC deadline a notification waited out.
      const started = Date.now();
      while (background.size > 0 && Date.now() - started < GRPC_DEADLINE_MS / 2)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // A notification pending holds one of MAX_PENDING_NOTIFICATIONS, and the close waits for it;
      // one whose liker's name is not read in time is not sent, as one whose check fails.
      expect({
        pending: background.size,
        notified: notifications.published.filter(
          ({ channel, message }) =>
            channel === notifications.roomChannel(AUTHOR) && message.includes(NEW_READER),
        ).length,
      }).toEqual({ pending: 0, notified: 0 });
    } finally {
      await notifications.close();
    }
  });
});
