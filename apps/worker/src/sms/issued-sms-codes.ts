import { RedisScript, smsCodeKey, StateKeys } from '@app/cache';
import type { SendSmsCodePayload } from '@app/queue';
import type Redis from 'ioredis';

/**
 * Where a job's code stands against the one the user service holds for its mobile now; `unseen`
 * when this state Redis holds no code the user service issued (it stores them elsewhere, or a
 * user service of the earlier release, which marks none, issued only codes since used up).
 */
export type CodeStanding = 'current' | 'replaced' | 'gone' | 'unseen';

/**
 * KEYS the mobile's code hash, the mark of codes issued here; ARGV the job's code. Compared in
 * Redis, so the stored code never reaches the worker (nor its logs): only which it is comes back.
 */
const STANDING = new RedisScript<CodeStanding, [code: string, issued: string], [jobCode: string]>(`
local stored = redis.call('HGET', KEYS[1], 'code')
if not stored then
  if redis.call('EXISTS', KEYS[2]) == 0 then return 'unseen' end
  return 'gone'
end
if stored == ARGV[1] then return 'current' end
return 'replaced'`);

/**
 * The codes the user service issued (`storeIssuedSmsCode`, state Redis role): the `code` field of
 * `app:code:{mobile}` or `mp:code:{mobile}`, in plain text, one per mobile and scope, replaced by
 * each new send, deleted by the sign-in that uses it or the wrong try that burns it, 300 s at most.
 */
export class IssuedSmsCodes {
  constructor(private readonly redis: Redis) {}

  standing({ scope, mobile, code }: SendSmsCodePayload): Promise<CodeStanding> {
    return STANDING.run(this.redis, [smsCodeKey(scope, mobile), StateKeys.smsCodesIssued], [code]);
  }
}
