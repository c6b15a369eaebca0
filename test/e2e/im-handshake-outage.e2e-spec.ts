import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  createTestRedis,
  freePort,
  type RedisServer,
  startRedisServer,
  type TestRedis,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { io, type Socket } from 'socket.io-client';

import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { createIm } from '../../apps/im/src/main';

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
    im = await createIm(
      loadConfig(imEnvSchema, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        REDIS_CACHE_URL: redis.cacheUrl,
        REDIS_STATE_URL: redis.stateUrl,
        REDIS_QUEUE_URL: redis.queueUrl,
        REDIS_KEY_PREFIX: redis.prefix,
      }),
      { keySet: new JwtKeySet(keys.publicKeys) },
    );
    port = await freePort();
    await im.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await im?.close();
    await server?.remove();
  });

  const refusal = (query: Record<string, string>): Promise<string> => {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      query,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connection was accepted')));
      socket.once('connect_error', (error: Error) => resolve(error.message));
    });
  };

  it('refuses a signed-in socket as unavailable, for the client to try again, not as an internal error', async () => {
    const state = createRedisClient(redis.stateUrl, redis.prefix);
    const session = await new SessionStore(state, 3600).create(USER_ID, 'app', randomUUID());
    await state.quit();
    const token = new TokenSigner(keys).signAccess(USER_ID, session.sid);

    await server.crash();
    expect(await refusal({ token })).toBe('Service unavailable.');
  });
});
