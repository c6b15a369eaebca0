import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { loadConfig } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { createTestRedis, eventually, freePort, nextEvent, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { io } from 'socket.io-client';
import ioV2 from 'socket.io-client-v2';
import WebSocket from 'ws';

import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { createIm } from '../../apps/im/src/main';
import { RedisIoAdapter } from '../../apps/im/src/realtime/redis-io.adapter';
import type { ImServer } from '../../apps/im/src/realtime/socket.types';

jest.setTimeout(30_000);

/** What these tests use of a socket of socket.io-client 2 or 4. */
interface ClientSocket {
  readonly io: { readonly engine: { readonly transport: { readonly name: string } } };
  once(event: string, listener: (payload: unknown) => void): unknown;
  on(event: string, listener: (payload: unknown) => void): unknown;
  off(event: string, listener: (payload: unknown) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
  close(): unknown;
}

interface ClientOptions {
  query?: Record<string, string>;
  auth?: Record<string, string>;
  transports?: string[];
  forceNew?: boolean;
}

const CLIENTS = {
  v2: (url: string, options: ClientOptions) => ioV2(url, options) as unknown as ClientSocket,
  v4: (url: string, options: ClientOptions) => io(url, options) as unknown as ClientSocket,
};

/**
 * The ways a socket of toutiao-m (socket.io-client 2) or of socket.io-client 4 connects again:
 * by hand after `disconnect()`, and by itself once im drops its transport or restarts. A
 * connection holds one socket, and none of these may be refused `Already connected.`.
 */
describe('im: clients connect again (e2e)', () => {
  const keys = JwtKeySet.generate('im-reconnect');
  const signer = new TokenSigner(keys);
  const sockets: ClientSocket[] = [];
  let redis: TestRedis;
  let state: Redis;
  let sessions: SessionStore;
  let app: NestFastifyApplication;
  let server: ImServer | undefined;
  let port: number;
  let url: string;

  /** im on `port`, the same one each time, as a restarted replica behind its Service. */
  const start = async (): Promise<void> => {
    app = await createIm(
      loadConfig(imEnvSchema, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        REDIS_CACHE_URL: redis.cacheUrl,
        REDIS_STATE_URL: redis.stateUrl,
        REDIS_QUEUE_URL: redis.queueUrl,
        REDIS_KEY_PREFIX: redis.prefix,
      }),
      { keySet: new JwtKeySet(keys.publicKeys) },
    );
    await app.listen(port, '127.0.0.1');
  };

  const tokenFor = async (userId: string): Promise<string> => {
    const session = await sessions.create(userId, 'app', randomUUID());
    return signer.signAccess(userId, session.sid);
  };

  const open = (version: keyof typeof CLIENTS, options: ClientOptions, path = ''): ClientSocket => {
    const socket = CLIENTS[version](`${url}${path}`, { forceNew: true, ...options });
    sockets.push(socket);
    return socket;
  };

  /** The next `connect`; fails on a refusal (socket.io-client 2 hears it as `error`). */
  const connected = (socket: ClientSocket): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not connected within 10 s')), 10_000);
      const refused = (reason: unknown): void => {
        // socket.io-client 2 also reports a failed poll as `error`, while it reconnects.
        if (reason instanceof Error && reason.message === 'xhr poll error') return;
        clearTimeout(timer);
        reject(new Error(`refused: ${JSON.stringify(reason)} ${String(reason)}`));
      };
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', refused);
        socket.off('connect_error', refused);
        resolve();
      });
      socket.on('error', refused);
      socket.once('connect_error', refused);
    });

  /** The socket is in its user's room and chats. */
  const expectLive = async (socket: ClientSocket, userId: string): Promise<void> => {
    const notification = { user_id: '1', user_name: 'reader', user_photo: 'p', timestamp: 1 };
    const notified = nextEvent(socket, 'following notify');
    await new NotificationEmitter(state, redis.prefix).notifyFollowing(userId, notification);
    expect(await notified).toEqual(notification);
    const answer = nextEvent(socket, 'message');
    socket.emit('message', { msg: '你好', timestamp: Date.now() });
    expect(Object.keys((await answer) as object).sort()).toEqual(['msg', 'timestamp']);
  };

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    sessions = new SessionStore(state, 3600);
    const create = RedisIoAdapter.prototype.createIOServer;
    jest.spyOn(RedisIoAdapter.prototype, 'createIOServer').mockImplementation(function (
      this: RedisIoAdapter,
      ...args
    ) {
      server = create.apply(this, args);
      return server;
    });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await start();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
    await state?.quit();
    await redis?.cleanup();
  });

  const cases = [
    ['v2', 'long-polling, then upgraded', undefined],
    ['v2', 'websocket', ['websocket']],
    ['v2', 'long-polling only', ['polling']],
    ['v4', 'long-polling, then upgraded', undefined],
    ['v4', 'websocket', ['websocket']],
    ['v4', 'long-polling only', ['polling']],
  ] as const;
  it.each(cases)(
    'lets socket.io-client %s (%s) connect again by hand, after im drops its transport and after im restarts',
    async (version, _transport, transports) => {
      const userId = `12942873823743${version === 'v2' ? 1 : 2}${transports?.[0]?.length ?? 0}00`;
      const socket = open(version, {
        query: { token: await tokenFor(userId) },
        ...(transports === undefined ? {} : { transports: [...transports] }),
        ...{ reconnectionDelay: 100, reconnectionDelayMax: 200 },
      });
      await connected(socket);
      if (transports === undefined && socket.io.engine.transport.name !== 'websocket')
        await nextEvent(socket.io.engine as unknown as ClientSocket, 'upgrade');
      expect(socket.io.engine.transport.name).toBe(transports?.[0] ?? 'websocket');
      await expectLive(socket, userId);

      socket.disconnect();
      const byHand = connected(socket);
      socket.connect();
      await byHand;
      await expectLive(socket, userId);

      const afterDrop = connected(socket);
      for (const held of server?.of('/').sockets.values() ?? []) held.conn.close();
      await afterDrop;
      await expectLive(socket, userId);

      const afterRestart = connected(socket);
      await app.close();
      await start();
      await afterRestart;
      await expectLive(socket, userId);
    },
  );

  it('lets a connection whose socket left (DISCONNECT) connect a socket again, as socket.io-client 4 does on a connection another namespace keeps open', async () => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&token=${await tokenFor('1294287382374300001')}`,
    );
    const frames: string[] = [];
    ws.on('message', (data: Buffer) => frames.push(data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answers = (): string[] => frames.filter((frame) => /^4[04]/.test(frame));
    try {
      ws.send('40');
      await eventually(
        answers,
        (seen) => seen.length === 1,
        'the first CONNECT answered',
        5000,
        20,
      );
      ws.send('41');
      // Socket.IO handles a DISCONNECT on the next tick: a CONNECT in the same tick closes the connection.
      await new Promise((resolve) => setTimeout(resolve, 100));
      ws.send('40');
      await eventually(
        answers,
        (seen) => seen.length === 2,
        'the second CONNECT answered',
        5000,
        20,
      );
      expect(answers().map((frame) => frame.slice(0, 2))).toEqual(['40', '40']);
    } finally {
      ws.close();
    }
  });

  it('lets in what clients send besides a token or an anonymous id: an auth payload, escapes, empty values, Engine.IO 3 parameters', async () => {
    const userId = '1294287382374300002';
    const token = await tokenFor(userId);
    await connected(open('v4', { auth: { token }, transports: ['websocket'] }));
    const inUrl = open('v4', {}, `/?token=${token}`);
    await connected(inUrl);
    await expectLive(inUrl, userId);
    const queries: Record<string, string>[] = [
      { a: 'a b+c/%' },
      { a: '' },
      { token: '', a: 'device-1' },
      { a: '设备' },
    ];
    for (const query of queries) {
      await connected(open('v4', { query }));
      await connected(open('v2', { query }));
    }
    await connected(open('v2', {}, `/?a=x%20y&b=&token=${token}`));
  });
});
