import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { createTestRedis, type RedisServer, startRedisServer, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';

import { imRefusal, type SocketQuery, startIm } from './support/im-app';

const USER_ID = '1294287382374383616';

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
  const sockets: Socket[] = [];

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

  it('refuses a signed-in socket as unavailable, for the client to try again, not as an internal error', async () => {
    const state = createRedisClient(redis.stateUrl, redis.prefix);
    const session = await new SessionStore(state, 3600).create(USER_ID, 'app', randomUUID());
    await state.quit();
    const token = new TokenSigner(keys).signAccess(USER_ID, session.sid);

    await server.crash();
    expect(await refusal({ token })).toBe('Service unavailable.');
  });
});
