import { CacheTtl, StateKeys } from '@app/cache';

import type { TestRedis } from './test-redis';

/**
 * Stores `code` as the mobile's sign-in code in the state role, as the user service issues one
 * (replacing any): the worker sends a job's code only while it is the one stored.
 */
export async function storeSmsCode(
  redis: TestRedis,
  scope: 'app' | 'mp',
  mobile: string,
  code: string,
): Promise<void> {
  const key = `${redis.prefix}${scope === 'app' ? StateKeys.appSmsCode(mobile) : StateKeys.mpSmsCode(mobile)}`;
  await redis
    .client('state')
    .multi()
    .del(key)
    .hset(key, { code, attempts: 0 })
    .expire(key, CacheTtl.smsCode.baseSeconds)
    .exec();
}
