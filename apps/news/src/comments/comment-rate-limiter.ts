import { ApplyOnceScript } from '@app/cache';
import { localDay } from '@app/config';
import type Redis from 'ioredis';

export interface CommentLimits {
  /** Comments an account may post at once, and then per minute: one every 60 s / perMinute. */
  perMinute: number;
  /** Comments an account may post per calendar day in the app's time zone. */
  perDay: number;
}

// KEYS: the account's bucket (when it is full again, ms), its day's count. ARGV: the interval, the
// burst, the day's limit and the count's TTL (s, to the day's end). The bucket is GCRA, as im's chat limit, on the
// clock of Redis (replicas whose clocks disagree measure on one); the day is counted as the SMS
// limits count theirs. Checked and counted atomically; a refused comment takes nothing. A take sent
// again after it took (its reply lost) answers 0 and takes nothing more.
const TAKE = new ApplyOnceScript<number, [string, string], [number, number, number, number]>({
  apply: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local full = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now) + interval
if full - now > interval * tonumber(ARGV[2]) then return 1 end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then return 2 end
redis.call('SET', KEYS[1], full, 'PX', full - now)
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
return 0`,
  replay: 'return 0',
  refused: 'reply ~= 0',
});

// The same keys; ARGV: the interval. Takes back one comment of the bucket and of the day, once.
const GIVE_BACK = new ApplyOnceScript<number, [string, string], [number]>({
  apply: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local full = tonumber(redis.call('GET', KEYS[1]) or '0') - tonumber(ARGV[1])
if full > now then redis.call('SET', KEYS[1], full, 'PX', full - now) else redis.call('DEL', KEYS[1]) end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0`,
  replay: 'return 0',
});

/**
 * How many comments and replies an account may post, counted in the state Redis, shared by every
 * replica, one script call a comment. A Redis that fails the call fails the comment, as its
 * counters would.
 */
export class CommentRateLimiter {
  /** Whole milliseconds: the bucket's stamp is set with PX. */
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly limits: CommentLimits,
    /** Whose midnight starts the day counted (`TZ`). */
    private readonly timeZone: string,
  ) {
    this.intervalMs = Math.ceil(60_000 / limits.perMinute);
  }

  /** Takes one comment of the account's allowance; false, and nothing taken, when none is left. */
  async take(userId: string, now = Date.now()): Promise<boolean> {
    const day = localDay(now, this.timeZone);
    const args: [number, number, number, number] = [
      this.intervalMs,
      this.limits.perMinute,
      this.limits.perDay,
      Math.max(1, Math.ceil(day.msLeft / 1000)),
    ];
    return (await TAKE.run(this.redis, this.keys(userId, day.date), args)) === 0;
  }

  /** Gives back what `take` took at `now`, for a comment that was not stored after all. */
  async giveBack(userId: string, now: number): Promise<void> {
    await GIVE_BACK.run(this.redis, this.keys(userId, localDay(now, this.timeZone).date), [
      this.intervalMs,
    ]);
  }

  private keys(userId: string, date: string): [string, string] {
    return [`comment:limit:user:${userId}`, `comment:limit:user:${userId}:d${date}`];
  }
}
