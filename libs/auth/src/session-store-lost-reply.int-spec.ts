import { createRedisClient } from '@app/cache';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { SessionStore } from './session-store';

const USER = '1294287382374383620';

describe('SessionStore (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let cutter: ReplyCutter;
  let redis: Redis;
  let sessions: SessionStore;

  beforeAll(async () => {
    testRedis = createTestRedis();
    const state = new URL(testRedis.stateUrl);
    cutter = new ReplyCutter({ host: state.hostname, port: Number(state.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${state.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
    sessions = new SessionStore(redis, 3600);
  });

  afterAll(async () => {
    redis.disconnect();
    await cutter.close();
    await testRedis.cleanup();
  });

  it('rotates a refresh token once and keeps the session when ioredis sent the rotation again', async () => {
    const session = await sessions.create(USER, 'app', 'jti-1');
    // Nothing of the client's own left unanswered: the next reply is the rotation's.
    await redis.ping();
    const cut = cutter.cutAfter(1, 0);
    expect(await sessions.rotate(session, 'jti-1', 'jti-2')).toBe('rotated');
    await cut;

    expect(await sessions.get(session.sid)).toEqual({ ...session, refreshJti: 'jti-2' });
    // The token it answered with is the one the session accepts next; the old one is still refused.
    expect(await sessions.rotate(session, 'jti-2', 'jti-3')).toBe('rotated');
    expect(await sessions.rotate(session, 'jti-1', 'jti-4')).toBe('reused');
  });
});
