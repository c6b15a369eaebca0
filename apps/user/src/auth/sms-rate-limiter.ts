import { ApplyOnceScript, REDIS_STATE } from '@app/cache';
import { APP_CONFIG, localDay } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { UserConfig } from '../config/user.config';
import type { Scope } from './auth-scope';

export interface SmsLimits {
  /** A mobile gets one code per this many ms (a moving window: 60 s from the last one sent). */
  mobileIntervalMs: number;
  /** Per calendar day in `TZ`, from midnight there. */
  perMobilePerDay: number;
  /** In the hour back from each request (a moving window, not the clock hour). */
  perIpPerHour: number;
}

/** Contract limits: 1/min and 10/day per mobile, 100/h per IP. */
export const SMS_LIMITS: SmsLimits = {
  mobileIntervalMs: 60_000,
  perMobilePerDay: 10,
  perIpPerHour: 100,
};

/** The span of an IP's limit, counted back from each request. */
const IP_WINDOW_MS = 3_600_000;

/** The scopes whose own windows a mobile had before they were one. */
const SCOPES: readonly Scope[] = ['app', 'mp'];

// KEYS: the mobile's last code (ms), its day, the IP's requests of the past hour (a sorted set
// scored by ms on the clock of Redis, so replicas whose clocks disagree measure the hour on one;
// TIME before a write needs script effects replication, the only mode since Redis 7), then the
// last codes and days the app's and the media platform's own windows of the mobile counted before
// they were one, and the IP's clock-hour counter of the earlier release (read only: replicas of
// the earlier release count there while a deploy rolls, and they lapse within the day and the
// hour). ARGV: now, the interval, the day's limit and TTL, the IP's limit, its window (ms), and
// the mobile (with the instant of Redis, its request's member of the IP's set). Checked and
// counted atomically; a refused request takes nothing. A take sent again after it took (its reply
// lost) answers 0 and takes nothing more: it would find the mobile's minute spent.
const TAKE = new ApplyOnceScript<number, string[], Array<number | string>>({
  apply: `
local now = tonumber(ARGV[1])
for _, key in ipairs({ KEYS[1], KEYS[4], KEYS[6] }) do
  local last = redis.call('GET', key)
  if last and now - tonumber(last) < tonumber(ARGV[2]) then return 1 end
end
local function count(key) return tonumber(redis.call('GET', key) or '0') end
if count(KEYS[2]) + count(KEYS[5]) + count(KEYS[7]) >= tonumber(ARGV[3]) then return 2 end
local time = redis.call('TIME')
local clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', clock - tonumber(ARGV[6]))
if redis.call('ZCARD', KEYS[3]) + count(KEYS[8]) >= tonumber(ARGV[5]) then return 3 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
redis.call('ZADD', KEYS[3], clock, time[1] .. '.' .. time[2] .. ':' .. ARGV[7])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return 0`,
  replay: 'return 0',
  refused: 'reply ~= 0',
});

/**
 * Counts SMS requests in the state Redis, shared by every replica. A mobile's windows count the
 * codes of the app and of the media platform together: both are SMS to that phone.
 */
@Injectable()
export class SmsRateLimiter {
  constructor(
    @Inject(REDIS_STATE) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: Pick<UserConfig, 'TZ'>,
  ) {}

  /** Takes one request from every window; false (and nothing taken) when any window is full. */
  async take(mobile: string, ip: string, now = Date.now(), limits = SMS_LIMITS): Promise<boolean> {
    const day = localDay(now, this.config.TZ);
    const keys = [
      `sms:limit:mobile:${mobile}:last`,
      `sms:limit:mobile:${mobile}:d${day.date}`,
      `sms:limit:ip:${ip}:hour`,
      ...SCOPES.flatMap((scope) => [
        `sms:limit:${scope}:mobile:${mobile}:last`,
        `sms:limit:${scope}:mobile:${mobile}:d${day.date}`,
      ]),
      `sms:limit:ip:${ip}:h${Math.floor(now / IP_WINDOW_MS)}`,
    ];
    const dayTtl = Math.max(1, Math.ceil(day.msLeft / 1000));
    const args = [
      now,
      limits.mobileIntervalMs,
      limits.perMobilePerDay,
      dayTtl,
      limits.perIpPerHour,
      IP_WINDOW_MS,
      // A mobile takes one code a minute, so its number and the instant of Redis name its request.
      mobile,
    ];
    return (await TAKE.run(this.redis, keys, args)) === 0;
  }
}
