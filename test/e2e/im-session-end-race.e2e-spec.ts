import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { NotificationEmitter } from '@app/queue';
import { createTestRedis, nextEvent, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import type { Socket } from 'socket.io-client';

import { SocketAuthenticator } from '../../apps/im/src/notify/socket-authenticator';
import { holdRead } from './support/held-read';
import { openImSocket, startIm } from './support/im-app';

const USER_ID = '1294287382374383616';
const FROZEN_USER_ID = '1294287382374383618';
/** Long enough for im to have handled the user service's close, published before the join. */
const CLOSE_HANDLED_MS = 300;

describe('im closes a socket whose session ended while the socket was being let in (e2e)', () => {
  const keys = JwtKeySet.generate('im-session-end-race');
  const signer = new TokenSigner(keys);
  const sockets: Socket[] = [];
  let redis: TestRedis;
  let state: Redis;
  let sessions: SessionStore;
  let emitter: NotificationEmitter;
  let im: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    sessions = new SessionStore(state, 3600);
    emitter = new NotificationEmitter(state, redis.prefix);
    ({ app: im, port } = await startIm(redis, { keySet: new JwtKeySet(keys.publicKeys) }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await im?.close();
    await state?.quit();
    await redis?.cleanup();
  });

  /**
   * Opens a socket whose handshake reads its session as live, then lands `endSession` (what the
   * user service's logout or freeze does: revoke, then close the session's sockets) before the
   * socket joins its rooms; answers the socket.
   */
  const connectWhileSessionEnds = async (
    userId: string,
    endSession: (sid: string) => Promise<unknown>,
  ): Promise<Socket> => {
    const session = await sessions.create(userId, 'app', randomUUID());
    const held = holdRead(im.get(SocketAuthenticator), 'authenticate');
    try {
      const socket = openImSocket(sockets, port, { token: signer.signAccess(userId, session.sid) });
      await held.read;
      await endSession(session.sid);
      await new Promise((resolve) => setTimeout(resolve, CLOSE_HANDLED_MS));
      return socket;
    } finally {
      held.release();
    }
  };

  it('closes the socket of a session logged out between its handshake and its join', async () => {
    const socket = await connectWhileSessionEnds(USER_ID, async (sid) => {
      await sessions.revoke(sid, USER_ID);
      await emitter.disconnectSession(sid);
    });
    expect(await nextEvent(socket, 'disconnect', 3000)).toBe('io server disconnect');
  });

  it('closes the socket of a user frozen between its handshake and its join', async () => {
    const socket = await connectWhileSessionEnds(FROZEN_USER_ID, async () => {
      await sessions.revokeAll(FROZEN_USER_ID, true);
      await emitter.disconnectUser(FROZEN_USER_ID);
    });
    expect(await nextEvent(socket, 'disconnect', 3000)).toBe('io server disconnect');
  });
});
