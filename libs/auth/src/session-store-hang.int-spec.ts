import { closeRedisClient, createRedisClient } from '@app/cache';
import { type RedisServer, startRedisServer } from '@app/testing';
import type Redis from 'ioredis';

import { SessionStore } from './session-store';

const PREFIX = 'hang:';
const USER = '1294287382374383621';

/**
 * Strict rotation on a state Redis of its own that hangs (SIGSTOP) under the client as the apps
 * configure it: the rotation's command times out (the refresh answers 503, no token given), and
 * Redis runs it once it answers again.
 */
describe('SessionStore (a state Redis of its own that hangs)', () => {
  let server: RedisServer;
  let redis: Redis;
  let otherReplica: Redis;
  let sessions: SessionStore;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: true });
    redis = createRedisClient(server.url, PREFIX, { commandTimeout: 300 });
    otherReplica = createRedisClient(server.url, PREFIX, { commandTimeout: 300 });
    await Promise.all([redis.ping(), otherReplica.ping()]);
    sessions = new SessionStore(redis, 3600);
  });

  afterAll(async () => {
    server?.thaw();
    await closeRedisClient(redis);
    await closeRedisClient(otherReplica);
    await server?.remove();
  });

  it('takes back a rotation that timed out, so the refresh sent again with the same token rotates, and a replay is still caught', async () => {
    const session = await sessions.create(USER, 'app', 'jti-1');
    server.freeze();
    try {
      await expect(sessions.rotate(session, 'jti-1', 'jti-unanswered')).rejects.toThrow(
        'Command timed out',
      );
    } finally {
      server.thaw();
    }
    // Whatever the client sent before is answered by now.
    await redis.ping();

    // The retry reaches another replica, whose connection took no part in the rotation.
    const retried = new SessionStore(otherReplica, 3600);
    expect(await retried.rotate(session, 'jti-1', 'jti-2')).toBe('rotated');
    expect(await retried.get(session.sid)).toEqual({ ...session, refreshJti: 'jti-2' });
    // The token the rotation that timed out would have given was never answered: it is refused.
    expect(await retried.rotate(session, 'jti-unanswered', 'jti-3')).toBe('reused');
    expect(await retried.get(session.sid)).toBeNull();
  });

  it('ends the session when a token answered before is presented again, as before', async () => {
    const session = await sessions.create(USER, 'app', 'jti-a');
    expect(await sessions.rotate(session, 'jti-a', 'jti-b')).toBe('rotated');
    expect(await sessions.rotate(session, 'jti-a', 'jti-c')).toBe('reused');
    expect(await sessions.get(session.sid)).toBeNull();
  });
});
