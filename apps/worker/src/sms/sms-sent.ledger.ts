import { REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Longer than every retry and stall redelivery of a job; a code is useless after 300 s anyway. */
const SENT_TTL_SECONDS = 600;

const sentKey = (jobId: string): string => `smsjob:${jobId}:sent`;

/** Which SMS jobs the provider has accepted, in the state Redis role, so a redelivery does not resend. */
@Injectable()
export class SmsSentLedger {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  async wasSent(jobId: string): Promise<boolean> {
    return (await this.redis.exists(sentKey(jobId))) === 1;
  }

  async markSent(jobId: string): Promise<void> {
    await this.redis.set(sentKey(jobId), '1', 'EX', SENT_TTL_SECONDS);
  }
}
