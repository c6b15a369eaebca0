import { randomInt, timingSafeEqual } from 'node:crypto';

import { CacheTtl, REDIS_STATE, RedisScript } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { codeKey, type Scope } from './auth-scope';

/** A code may be tried this many times; the next wrong try burns it. */
export const MAX_CODE_ATTEMPTS = 5;

// Counts the attempt and returns the stored code in one step, so concurrent guesses cannot
// exceed the attempt budget; past the budget the code is deleted.
const TAKE_ATTEMPT = new RedisScript<string | null, [code: string], [maxAttempts: number]>(`
local code = redis.call('HGET', KEYS[1], 'code')
if not code then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
return code`);

/** SMS codes in the state Redis: 6 digits from a CSPRNG, 300 s, single use, 5 attempts. */
@Injectable()
export class SmsCodeStore {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  /** Issues a new code (replacing any previous one); `fixedCode` is the development SMS_TEST_CODE. */
  async issue(scope: Scope, mobile: string, fixedCode?: string): Promise<string> {
    const code = fixedCode ?? randomInt(0, 1_000_000).toString().padStart(6, '0');
    const key = codeKey(scope, mobile);
    await this.redis.multi().del(key).hset(key, { code, attempts: 0 }).expire(key, CacheTtl.smsCode.baseSeconds).exec();
    return code;
  }

  /** True once for the right code (then it is gone); wrong codes count toward the budget. */
  async verify(scope: Scope, mobile: string, presented: string): Promise<boolean> {
    const key = codeKey(scope, mobile);
    const stored = await TAKE_ATTEMPT.run(this.redis, [key], [MAX_CODE_ATTEMPTS]);
    if (stored === null || !sameCode(stored, presented)) return false;
    return (await this.redis.del(key)) === 1;
  }
}

/** Constant-time comparison of two codes. */
export function sameCode(stored: string, presented: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
