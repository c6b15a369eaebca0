import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { NotificationEmitter } from '@app/queue';
import {
  createTestRedis,
  nextEvent,
  type RedisServer,
  startRedisServer,
  type TestRedis,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';
import ioV2, { type SocketV2 } from 'socket.io-client-v2';

import { imRefusal, type SocketQuery, startIm } from './support/im-app';

const USER_ID = '1294287382374383616';

/** socket.io-client 2 waits 1 s before its first reconnection attempt, 5 s at most after. */
const V2_RECONNECTION_DELAY_MAX_MS = 5000;

jest.setTimeout(30_000);

/**
 * im on a redis-server of the test's own: a signed-in socket's session is read from the state
 * Redis at handshake, so while that Redis is down the handshake cannot be decided.
 */
describe('im handshakes while its state Redis is down (e2e)', () => {
  const keys = JwtKeySet.generate('im-handshake-outage');
  let server: RedisServer;
  let redis: TestRedis;
  let im: NestFastifyApplication;
  let port: number;
  const sockets: (Socket | SocketV2)[] = [];

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: true });
    redis = createTestRedis({ cache: server.url, state: server.url });
    ({ app: im, port } = await startIm(
      redis,
      { keySet: new JwtKeySet(keys.publicKeys) },
      { LOG_LEVEL: 'silent' },
    ));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await im?.close();
    await server?.remove();
  });

  const refusal = (query: SocketQuery): Promise<string> => imRefusal(sockets, port, query);

  const signIn = async (): Promise<string> => {
    const state = createRedisClient(redis.stateUrl, redis.prefix);
    const session = await new SessionStore(state, 3600).create(USER_ID, 'app', randomUUID());
    await state.quit();
    return new TokenSigner(keys).signAccess(USER_ID, session.sid);
  };

  it("lets toutiao-m's socket.io-client 2 in on its own next attempt once Redis is back", async () => {
    const token = await signIn();
    await server.crash();
    // notify-test.js: the token in the query, the client's default reconnection.
    const socket = ioV2(`http://127.0.0.1:${port}`, { query: { token }, forceNew: true });
    sockets.push(socket);
    expect(await nextEvent(socket, 'error')).toBe('Service unavailable.');

    await server.start();
    await nextEvent(socket, 'connect', 2 * V2_RECONNECTION_DELAY_MAX_MS);
    const notified = nextEvent(socket, 'following notify');
    const state = createRedisClient(redis.stateUrl, redis.prefix);
    const notice = {
      user_id: '1',
      user_name: 'fan',
      user_photo: 'http://img.test/f',
      timestamp: 1,
    };
    await new NotificationEmitter(state, redis.prefix).notifyFollowing(USER_ID, notice);
    await state.quit();
    expect(await notified).toEqual(notice);
  });

  it('refuses a signed-in socket as unavailable, for the client to try again, not as an internal error', async () => {
    const token = await signIn();
    await server.crash();
    expect(await refusal({ token })).toBe('Service unavailable.');
  });
});
