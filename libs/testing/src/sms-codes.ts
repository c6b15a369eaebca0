import { createRedisClient, storeIssuedSmsCode } from '@app/cache';

import type { TestRedis } from './test-redis';

/**
 * Stores `code` as the mobile's sign-in code in the state role, as the user service issues one
 * (replacing any, through the same `storeIssuedSmsCode`): the worker sends a job's code only while
 * it is the one stored.
 */
export async function storeSmsCode(
  redis: TestRedis,
  scope: 'app' | 'mp',
  mobile: string,
  code: string,
): Promise<void> {
  const state = createRedisClient(redis.stateUrl, redis.prefix);
  try {
    await storeIssuedSmsCode(state, scope, mobile, code);
  } finally {
    await state.quit();
  }
}
