import { REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Longer than every retry and stall redelivery of a job; a code is useless after 300 s anyway. */
const CLAIM_TTL_SECONDS = 600;

const claimKey = (jobId: string): string => `smsjob:${jobId}:sent`;

/** Which SMS jobs have (possibly) been sent, in the state Redis role, so a job sends at most once. */
@Injectable()
export class SmsSentLedger {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  /** True for the first caller of a job id; false if the job was already claimed. */
  async claim(jobId: string): Promise<boolean> {
    return (await this.redis.set(claimKey(jobId), '1', 'EX', CLAIM_TTL_SECONDS, 'NX')) === 'OK';
  }

  /** Forgets a claim whose send failed, so the retry may send. */
  async release(jobId: string): Promise<void> {
    await this.redis.del(claimKey(jobId));
  }
}
