import { RedisScript, StateKeys } from '@app/cache';
import type { SendSmsCodePayload } from '@app/queue';
import type Redis from 'ioredis';

/** Where a job's code stands against the one the user service holds for its mobile now. */
export type CodeStanding = 'current' | 'replaced' | 'gone';

/**
 * KEYS the mobile's code hash; ARGV the job's code. Compared in Redis, so the stored code never
 * reaches the worker (nor its logs): only which of the three it is comes back.
 */
const STANDING = new RedisScript<CodeStanding, [code: string], [jobCode: string]>(`
local stored = redis.call('HGET', KEYS[1], 'code')
if not stored then return 'gone' end
if stored == ARGV[1] then return 'current' end
return 'replaced'`);

/**
 * The codes the user service issued (`SmsCodeStore`, state Redis role): the `code` field of
 * `app:code:{mobile}` or `mp:code:{mobile}`, in plain text, one per mobile and scope, replaced by
 * each new send, deleted by the sign-in that uses it or the wrong try that burns it, 300 s at most.
 */
export class IssuedSmsCodes {
  constructor(private readonly redis: Redis) {}

  standing({ scope, mobile, code }: SendSmsCodePayload): Promise<CodeStanding> {
    const key = scope === 'app' ? StateKeys.appSmsCode(mobile) : StateKeys.mpSmsCode(mobile);
    return STANDING.run(this.redis, [key], [code]);
  }
}
