import { randomUUID } from 'node:crypto';

import { ApplyOnceScript, execReplies, RedisScript, StateKeys } from '@app/cache';
import { errorMessage } from '@app/config';
import { Logger } from '@nestjs/common';
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
// an old refresh token was replayed, so the whole session is deleted (strict rotation). The session
// then lives as long as the new refresh token (ARGV[3], the TTL), and the user's list of sessions
// (KEYS[2]) at least as long, so a freeze or a password change still finds it. A rotation sent
// again after it swapped (its reply lost) answers 1 while the session accepts its next jti: run
// again, it would take its own presented jti for a replayed token and delete the session.
const ROTATE = new ApplyOnceScript<
  -1 | 0 | 1,
  [session: string, userSessions: string],
  [presentedJti: string, nextJti: string, ttlSeconds: number]
>({
  apply: `
local current = redis.call('HGET', KEYS[1], 'refreshJti')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return -1
end
redis.call('HSET', KEYS[1], 'refreshJti', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
return 1`,
  replay: `
if redis.call('HGET', KEYS[1], 'refreshJti') == ARGV[2] then return 1 end
return -1`,
  refused: 'reply == 0',
});

// Takes back a rotation whose reply did not come (the command timed out on a Redis that hangs,
// which may still run it): no token of it was answered, so the session accepts the token that was
// presented again, and the refresh sent again with it is its first use, not a replay. Only while
// the session accepts that rotation's own jti, which nobody holds.
const TAKE_BACK = new RedisScript<
  0 | 1,
  [session: string],
  [nextJti: string, presentedJti: string]
>(`
if redis.call('HGET', KEYS[1], 'refreshJti') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'refreshJti', ARGV[2])
return 1`);

// KEYS[1] the new session, KEYS[2] the user's sessions, KEYS[3] the sessions' key prefix; ARGV[1]
// the TTL, ARGV[2] the sid, then the session's fields. The sids of sessions that expired are
// dropped from the user's list on the way, so it holds live sessions only.
const CREATE = new RedisScript<
  null,
  [session: string, userSessions: string, sessionPrefix: string],
  [ttlSeconds: number, sid: string, ...fields: string[]]
>(`
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', KEYS[3] .. sid) == 0 then redis.call('SREM', KEYS[2], sid) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])`);

// KEYS[1] the user's sessions, KEYS[2] the sessions' key prefix. Marks the live sessions denied
// (writing a field to an expired one would make a key without a TTL) and answers how many.
const DENY_ALL = new RedisScript<number, [userSessions: string, sessionPrefix: string], []>(`
local denied = 0
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', KEYS[2] .. sid) == 1 then
    redis.call('HSET', KEYS[2] .. sid, 'status', 'denied')
    denied = denied + 1
  else
    redis.call('SREM', KEYS[1], sid)
  end
end
return denied`);

/**
 * Sessions in the state Redis (never evicted), so every replica sees a logout, a freeze or an
 * expiry at once. A session lives as long as its refresh token.
 */
export class SessionStore {
  private readonly logger = new Logger(SessionStore.name);

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  async create(
    userId: string,
    scope: string,
    refreshJti: string,
    sid: string = randomUUID(),
  ): Promise<Session> {
    const session: Session = { sid, userId, status: 'active', refreshJti, scope };
    await CREATE.run(
      this.redis,
      [StateKeys.session(sid), StateKeys.userSessions(userId), StateKeys.session('')],
      [
        this.ttlSeconds,
        sid,
        ...Object.entries({ userId, status: session.status, refreshJti, scope }).flat(),
      ],
    );
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

  /**
   * 'rotated' (the session now lives the TTL from now, as the new refresh token), 'missing', or
   * 'reused' (an old token was presented: the session is now revoked).
   */
  async rotate(
    session: Pick<Session, 'sid' | 'userId'>,
    presentedJti: string,
    nextJti: string,
  ): Promise<'rotated' | 'missing' | 'reused'> {
    let result: -1 | 0 | 1;
    try {
      result = await ROTATE.run(
        this.redis,
        [StateKeys.session(session.sid), StateKeys.userSessions(session.userId)],
        [presentedJti, nextJti, this.ttlSeconds],
      );
    } catch (error) {
      this.takeBack(session.sid, presentedJti, nextJti);
      throw error;
    }
    return result === 1 ? 'rotated' : result === 0 ? 'missing' : 'reused';
  }

  /**
   * Sent without waiting, on the connection that carried the rotation, so Redis runs it after the
   * rotation: the failed refresh answers as soon as the rotation failed.
   */
  private takeBack(sid: string, presentedJti: string, nextJti: string): void {
    void TAKE_BACK.run(this.redis, [StateKeys.session(sid)], [nextJti, presentedJti]).catch(
      (error: unknown) =>
        this.logger.warn(
          `the rotation of a failed refresh may stand, not taken back: ${errorMessage(error)}`,
        ),
    );
  }

  async revoke(sid: string, userId: string): Promise<void> {
    await this.redis
      .multi()
      .del(StateKeys.session(sid))
      .srem(StateKeys.userSessions(userId), sid)
      .exec();
  }

  /**
   * Freeze (deny = true) keeps the live sessions but refuses them; otherwise they are deleted.
   * Answers how many live sessions there were.
   */
  async revokeAll(userId: string, deny: boolean): Promise<number> {
    if (deny)
      return DENY_ALL.run(this.redis, [StateKeys.userSessions(userId), StateKeys.session('')], []);
    const sids = await this.redis.smembers(StateKeys.userSessions(userId));
    if (sids.length === 0) return 0;
    const replies = await execReplies(
      this.redis
        .multi()
        .del(...sids.map((sid) => StateKeys.session(sid)))
        .del(StateKeys.userSessions(userId)),
    );
    return Number(replies[0]);
  }
}
