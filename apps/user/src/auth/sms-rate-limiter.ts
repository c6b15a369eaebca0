import { REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { Scope } from './auth-scope';

export interface SmsLimits {
  perMobilePerMinute: number;
  perMobilePerDay: number;
  perIpPerHour: number;
}

/** Contract limits: 1/min and 10/day per mobile, 100/h per IP. */
export const SMS_LIMITS: SmsLimits = { perMobilePerMinute: 1, perMobilePerDay: 10, perIpPerHour: 100 };

// Fixed windows counted atomically; a refused request does not consume the mobile's quota.
const TAKE = `
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i * 2 - 1]) then return i end
end
for i = 1, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i * 2]) end
end
return 0`;

/** Counts SMS requests in the state Redis, shared by every replica. */
@Injectable()
export class SmsRateLimiter {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  /** Takes one request from every window; false (and nothing taken) when any window is full. */
  async take(scope: Scope, mobile: string, ip: string, now = Date.now(), limits = SMS_LIMITS): Promise<boolean> {
    const minute = Math.floor(now / 60_000);
    const hour = Math.floor(now / 3_600_000);
    const day = Math.floor(now / 86_400_000);
    const keys = [
      `sms:limit:${scope}:mobile:${mobile}:m${minute}`,
      `sms:limit:${scope}:mobile:${mobile}:d${day}`,
      `sms:limit:ip:${ip}:h${hour}`,
    ];
    const args = [limits.perMobilePerMinute, 60, limits.perMobilePerDay, 86_400, limits.perIpPerHour, 3600];
    return (await this.redis.eval(TAKE, keys.length, ...keys, ...args)) === 0;
  }
}
