import { connect, createServer, type Server, type Socket } from 'node:net';

import { CacheKeys, invalidateCached, TwoLevelCache } from '@app/cache';
import { freePort } from '@app/testing';

import { BLACKLIST_CHECK_MS } from '../../apps/news/src/notifications/author-blacklist';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ARTICLE = '1300000000000000001';
/** How late the user service answers while slow (half each way): the notification is pending at close. */
const SLOW_ANSWER_MS = 200;

/** A TCP relay to `port` that passes each chunk `delayMs` late, or nothing once frozen. */
async function startRelay(port: number): Promise<{
  port: number;
  delay(ms: number): void;
  freeze(): void;
  close(): Promise<void>;
}> {
  const sockets: Socket[] = [];
  let delayMs = 0;
  let frozen = false;
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (frozen) return;
      if (delayMs === 0) to.write(chunk);
      else setTimeout(() => to.destroyed || to.write(chunk), delayMs);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const relayPort = await freePort();
  await new Promise<void>((resolve) => server.listen(relayPort, '127.0.0.1', resolve));
  return {
    port: relayPort,
    delay: (ms) => (delayMs = ms),
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A news replica closed (SIGTERM) just after answering a like: the liking notify, sent after the
 * answer, is waited for before the Redis clients close, and a user service that hangs holds the
 * close no longer than the check of the author's blacklist waits.
 */
describe('liking notify pending when news closes (e2e)', () => {
  let stack: ArticleStack | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  let notifications: NotificationTap | undefined;

  afterEach(async () => {
    await notifications?.close();
    await relay?.close();
    await stack?.close();
  });

  async function likedJustBeforeClose(
    userServiceTrouble: (relay: Awaited<ReturnType<typeof startRelay>>) => void,
  ): Promise<{ tap: NotificationTap; pendingAtClose: boolean; closeMs: number }> {
    const userPort = await freePort();
    relay = await startRelay(userPort);
    stack = await startArticleStack({
      USER_GRPC_PORT: userPort,
      USER_GRPC_URL: `127.0.0.1:${relay.port}`,
    });
    const running = stack;
    await seedUsers(running, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await seedArticles(running, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'first',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    const token = await running.signIn(READER);
    const call = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
      running.gateway.inject({
        method,
        url: `/app/v1_0${url}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
    const tap = (notifications = await tapNotifications(running.redis));
    // Names and relations cached while the user service answers, as for a reader who just read.
    expect((await call('POST', '/article/likings', { target: ARTICLE })).statusCode).toBe(201);
    await waitFor(() => tap.published.length > 0);
    expect((await call('DELETE', `/article/likings/${ARTICLE}`)).statusCode).toBe(204);
    tap.published.length = 0;
    // The author's blacklist dropped, as a change of it does: the next like's check asks the user
    // service again.
    const blacklistKey = CacheKeys.userBlacklist(AUTHOR);
    await invalidateCached(running.cache, [blacklistKey]);
    const newsCache = running.newsService?.get(TwoLevelCache);
    await waitFor(() => newsCache?.hasLocal(blacklistKey) === false);

    userServiceTrouble(relay);
    expect((await call('POST', '/article/likings', { target: ARTICLE })).statusCode).toBe(201);
    const pendingAtClose = tap.published.length === 0;
    const started = Date.now();
    await running.newsService?.close();
    return { tap, pendingAtClose, closeMs: Date.now() - started };
  }

  it('sends the notification of a like answered just before the close', async () => {
    const { tap, pendingAtClose, closeMs } = await likedJustBeforeClose((slowed) =>
      slowed.delay(SLOW_ANSWER_MS / 2),
    );
    await waitFor(() => tap.published.length > 0, 1000);
    expect({
      pendingAtClose,
      closeWaited: closeMs >= SLOW_ANSWER_MS,
      sent: tap.published.map(({ message }) => message.includes('liking notify')),
    }).toEqual({ pendingAtClose: true, closeWaited: true, sent: [true] });
  });

  it('closes within the check of the blacklist when the user service hangs, the notification lost', async () => {
    const { tap, closeMs } = await likedJustBeforeClose((hung) => hung.freeze());
    expect({ closeWithinCheck: closeMs < BLACKLIST_CHECK_MS + 1000, sent: tap.published }).toEqual({
      closeWithinCheck: true,
      sent: [],
    });
  });
});
