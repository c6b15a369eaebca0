import { randomInt, timingSafeEqual } from 'node:crypto';

import { ApplyOnceScript, REDIS_STATE, storeIssuedSmsCode } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { codeKey, type Scope } from './auth-scope';

/** A code may be tried this many times; the next wrong try burns it. */
export const MAX_CODE_ATTEMPTS = 5;

// Counts the attempt and returns the stored code in one step, so concurrent guesses cannot
// exceed the attempt budget; past the budget the code is deleted. A check sent again after its
// reply was lost counts no second attempt.
const TAKE_ATTEMPT = new ApplyOnceScript<string | null, [code: string], [maxAttempts: number]>({
  apply: `
local code = redis.call('HGET', KEYS[1], 'code')
if not code then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
return code`,
  replay: `return redis.call('HGET', KEYS[1], 'code')`,
});

// Deletes the code only while it is the one checked, not a newer one issued since. A take sent
// again after it deleted the code (its reply lost) answers 1 again.
const TAKE_CODE = new ApplyOnceScript<number, [code: string], [checked: string]>({
  apply: `
if redis.call('HGET', KEYS[1], 'code') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  replay: 'return 1',
  refused: 'reply == 0',
});

/**
 * SMS codes in the state Redis: 6 digits from a CSPRNG, 300 s, single use, 5 attempts. The worker
 * reads the `code` field (and `sms:codes:issued`, `storeIssuedSmsCode`) to send a job's code only
 * while it is the stored one: a new form of it must stay readable there by the workers of the
 * earlier release while a deploy rolls.
 */
@Injectable()
export class SmsCodeStore {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  /** Issues a new code (replacing any previous one); `fixedCode` is the development SMS_TEST_CODE. */
  async issue(scope: Scope, mobile: string, fixedCode?: string): Promise<string> {
    const code = fixedCode ?? randomInt(0, 1_000_000).toString().padStart(6, '0');
    await storeIssuedSmsCode(this.redis, scope, mobile, code);
    return code;
  }

  /**
   * Whether `presented` is the stored code. Every try counts toward the budget; the right code stays
   * until `take` uses it up, so a sign-in that fails after the check can be sent again with it.
   */
  async check(scope: Scope, mobile: string, presented: string): Promise<boolean> {
    const stored = await TAKE_ATTEMPT.run(
      this.redis,
      [codeKey(scope, mobile)],
      [MAX_CODE_ATTEMPTS],
    );
    return stored !== null && sameCode(stored, presented);
  }

  /** Uses up a checked code: true once, for the one sign-in that takes it. */
  async take(scope: Scope, mobile: string, code: string): Promise<boolean> {
    return (await TAKE_CODE.run(this.redis, [codeKey(scope, mobile)], [code])) === 1;
  }
}

/** Constant-time comparison of two codes. */
export function sameCode(stored: string, presented: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
