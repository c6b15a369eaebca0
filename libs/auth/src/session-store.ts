import { randomUUID } from 'node:crypto';

import { StateKeys } from '@app/cache';
import type Redis from 'ioredis';

export type SessionStatus = 'active' | 'denied';

export interface Session {
  sid: string;
  userId: string;
  status: SessionStatus;
  /** `jti` of the refresh token the session currently accepts. */
  refreshJti: string;
  scope: string;
}

// Swaps the accepted refresh jti only when the caller presents the current one; a stale jti means
// an old refresh token was replayed, so the whole session is deleted (strict rotation).
const ROTATE = `
local current = redis.call('HGET', KEYS[1], 'refreshJti')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return -1
end
redis.call('HSET', KEYS[1], 'refreshJti', ARGV[2])
return 1`;

/**
 * Sessions in the state Redis (never evicted), so every replica sees a logout, a freeze or an
 * expiry at once. A session lives as long as its refresh token.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  async create(userId: string, scope: string, refreshJti: string, sid: string = randomUUID()): Promise<Session> {
    const session: Session = { sid, userId, status: 'active', refreshJti, scope };
    await this.redis
      .multi()
      .hset(StateKeys.session(session.sid), { userId, status: session.status, refreshJti, scope })
      .expire(StateKeys.session(session.sid), this.ttlSeconds)
      .sadd(StateKeys.userSessions(userId), session.sid)
      .expire(StateKeys.userSessions(userId), this.ttlSeconds)
      .exec();
    return session;
  }

  async get(sid: string): Promise<Session | null> {
    const fields = await this.redis.hgetall(StateKeys.session(sid));
    if (!fields.userId) return null;
    return {
      sid,
      userId: fields.userId,
      status: fields.status === 'denied' ? 'denied' : 'active',
      refreshJti: fields.refreshJti ?? '',
      scope: fields.scope ?? '',
    };
  }

  /** The status alone (what every authenticated request asks): null when the session is gone. */
  async status(sid: string): Promise<SessionStatus | null> {
    const status = await this.redis.hget(StateKeys.session(sid), 'status');
    return status === null ? null : status === 'denied' ? 'denied' : 'active';
  }

  /** 'rotated', 'missing', or 'reused' (an old token was presented: the session is now revoked). */
  async rotate(sid: string, presentedJti: string, nextJti: string): Promise<'rotated' | 'missing' | 'reused'> {
    const result = (await this.redis.eval(ROTATE, 1, StateKeys.session(sid), presentedJti, nextJti)) as number;
    return result === 1 ? 'rotated' : result === 0 ? 'missing' : 'reused';
  }

  async revoke(sid: string, userId: string): Promise<void> {
    await this.redis.multi().del(StateKeys.session(sid)).srem(StateKeys.userSessions(userId), sid).exec();
  }

  /** Freeze (deny = true) keeps sessions but refuses them; otherwise they are deleted. */
  async revokeAll(userId: string, deny: boolean): Promise<number> {
    const sids = await this.redis.smembers(StateKeys.userSessions(userId));
    if (sids.length === 0) return 0;
    const multi = this.redis.multi();
    for (const sid of sids) {
      if (deny) multi.hset(StateKeys.session(sid), 'status', 'denied');
      else multi.del(StateKeys.session(sid));
    }
    if (!deny) multi.del(StateKeys.userSessions(userId));
    await multi.exec();
    return sids.length;
  }
}
