import { createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { SessionStore } from './session-store';

const USER = '1294287382374383616';
const OTHER_USER = '1294287382374383617';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SessionStore (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let sessions: SessionStore;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    sessions = new SessionStore(redis, 3600);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('creates a session under the TTL, reads it and its status, and rotates its refresh token once', async () => {
    const session = await sessions.create(USER, 'app', 'jti-1');
    expect(await sessions.get(session.sid)).toEqual({ ...session, status: 'active' });
    expect(await sessions.status(session.sid)).toBe('active');
    expect(await redis.ttl(StateKeys.session(session.sid))).toBeGreaterThan(3590);
    expect(await redis.smembers(StateKeys.userSessions(USER))).toContain(session.sid);

    expect(await sessions.rotate(session, 'jti-1', 'jti-2')).toBe('rotated');
    expect(await sessions.rotate(session, 'jti-1', 'jti-3')).toBe('reused');
    expect(await sessions.get(session.sid)).toBeNull();
    expect(await sessions.rotate(session, 'jti-2', 'jti-4')).toBe('missing');
  });

  it('keeps a rotated session as long as its new refresh token lives, and a freeze still finds it', async () => {
    const user = '1294287382374383619';
    // Signed in a TTL ago, all but a second: the refresh token rotated now lives a whole TTL more.
    const endingSoon = new SessionStore(redis, 1);
    const session = await endingSoon.create(user, 'app', 'jti-1');
    expect(await sessions.rotate(session, 'jti-1', 'jti-2')).toBe('rotated');
    await pause(1100);
    expect(await sessions.status(session.sid)).toBe('active');
    expect(await redis.ttl(StateKeys.session(session.sid))).toBeGreaterThan(3590);
    expect(await sessions.revokeAll(user, true)).toBe(1);
    expect(await sessions.status(session.sid)).toBe('denied');
  });

  it('revokes one session, and all of a user: denied but kept on a freeze, deleted otherwise', async () => {
    const [first, second, third] = [
      await sessions.create(OTHER_USER, 'app', 'a'),
      await sessions.create(OTHER_USER, 'mp', 'b'),
      await sessions.create(OTHER_USER, 'app', 'c'),
    ];
    await sessions.revoke(first.sid, OTHER_USER);
    expect(await sessions.get(first.sid)).toBeNull();

    expect(await sessions.revokeAll(OTHER_USER, true)).toBe(2);
    expect([await sessions.status(second.sid), await sessions.status(third.sid)]).toEqual([
      'denied',
      'denied',
    ]);
    expect(await sessions.revokeAll(OTHER_USER, false)).toBe(2);
    expect([await sessions.get(second.sid), await sessions.get(third.sid)]).toEqual([null, null]);
    expect(await redis.exists(StateKeys.userSessions(OTHER_USER))).toBe(0);
  });

  it('forgets expired sessions: a freeze leaves no key behind for them, and a sign-in drops them from the list', async () => {
    const user = '1294287382374383618';
    const shortLived = new SessionStore(redis, 1);
    const expired = await shortLived.create(user, 'app', 'old');
    await pause(1100);
    const live = await sessions.create(user, 'app', 'new');
    expect(await redis.smembers(StateKeys.userSessions(user))).toEqual([live.sid]);

    await redis.sadd(StateKeys.userSessions(user), expired.sid);
    expect(await sessions.revokeAll(user, true)).toBe(1);
    expect(await redis.exists(StateKeys.session(expired.sid))).toBe(0);
    expect(await sessions.status(live.sid)).toBe('denied');
    expect(await redis.ttl(StateKeys.session(live.sid))).toBeGreaterThan(3590);
    expect(await redis.smembers(StateKeys.userSessions(user))).toEqual([live.sid]);
  });
});
