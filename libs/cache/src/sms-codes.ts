import type Redis from 'ioredis';

import { StateKeys } from './keys';
import { CacheTtl } from './ttl';

/** Who a sign-in code is for: the app's users or the media platform's authors. */
export type SmsCodeScope = 'app' | 'mp';

/** The hash of a mobile's sign-in code in the state role (`code`, `attempts`). */
export function smsCodeKey(scope: SmsCodeScope, mobile: string): string {
  return scope === 'app' ? StateKeys.appSmsCode(mobile) : StateKeys.mpSmsCode(mobile);
}

/**
 * Stores `code` as the mobile's sign-in code (replacing any), for 300 s with no attempt spent, and
 * marks the state role as the one codes are stored in. The user service issues codes so; the
 * worker reads the same hash to send a job's code only while it is the stored one.
 */
export async function storeIssuedSmsCode(
  redis: Redis,
  scope: SmsCodeScope,
  mobile: string,
  code: string,
): Promise<void> {
  const key = smsCodeKey(scope, mobile);
  await redis
    .multi()
    .del(key)
    .hset(key, { code, attempts: 0 })
    .expire(key, CacheTtl.smsCode.baseSeconds)
    .set(StateKeys.smsCodesIssued, '1')
    .exec();
}
