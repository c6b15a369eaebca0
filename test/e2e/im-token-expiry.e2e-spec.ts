import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner, type VerifiedToken } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { NotificationEmitter } from '@app/queue';
import { createTestRedis, nextEvent, type TestRedis } from '@app/testing';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import type { Socket } from 'socket.io-client';

import { connectIm, type SocketQuery, startIm } from './support/im-app';

const USER_ID = '1294287382374383616';
/** `exp` is in whole seconds, so a 2 s token expires between 1 and 2 s after it is signed. */
const SHORT_LIFETIME_S = 2;
/** How late after `exp` the close may come: the timer, then a packet over loopback. */
const CLOSE_SLACK_MS = 2000;

describe('im closes a signed-in socket when its access token expires (e2e)', () => {
  const keys = JwtKeySet.generate('im-token-expiry');
  const shortLived = new TokenSigner(keys, { accessSeconds: SHORT_LIFETIME_S, refreshSeconds: 60 });
  const sockets: Socket[] = [];
  let redis: TestRedis;
  let state: Redis;
  let im: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    ({ app: im, port } = await startIm(redis, { keySet: new JwtKeySet(keys.publicKeys) }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await im?.close();
    await state?.quit();
    await redis?.cleanup();
  });

  const connect = (query: SocketQuery): Promise<Socket> => connectIm(sockets, port, query);

  /** A live session, as the user service's login makes, and an access token of `signer`'s lifetime. */
  const signIn = async (signer: TokenSigner): Promise<{ token: string; expiresAt: number }> => {
    const session = await new SessionStore(state, 3600).create(USER_ID, 'app', randomUUID());
    const token = signer.signAccess(USER_ID, session.sid);
    const { exp } = new JwtService({}).decode<VerifiedToken>(token);
    return { token, expiresAt: exp * 1000 };
  };

  it('disconnects the socket once its token has expired, and leaves anonymous and fresh sockets open', async () => {
    const expiring = await signIn(shortLived);
    const socket = await connect({ token: expiring.token });
    const fresh = await connect({ token: (await signIn(new TokenSigner(keys))).token });
    const anonymous = await connect({ a: 'device-token-expiry' });
    const chatless = await connect({});

    const closed = nextEvent(socket, 'disconnect', SHORT_LIFETIME_S * 1000 + CLOSE_SLACK_MS);
    expect(await closed).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(expiring.expiresAt);

    // The user's notifications now reach only the socket whose token is still valid.
    const arrival = nextEvent(fresh, 'following notify');
    await new NotificationEmitter(state, redis.prefix).notifyFollowing(USER_ID, {
      user_id: '1294287382374383617',
      user_name: 'follower',
      user_photo: '',
      timestamp: 1,
    });
    expect(await arrival).toMatchObject({ user_name: 'follower' });
    expect([fresh.connected, anonymous.connected, chatless.connected]).toEqual([true, true, true]);
    const reply = nextEvent(anonymous, 'message');
    anonymous.emit('message', { msg: '你好' });
    expect(await reply).toMatchObject({ msg: expect.any(String) as unknown });
  });
});
