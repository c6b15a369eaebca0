import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { RedisScript } from '@app/cache';
import type Redis from 'ioredis';

/** Longer than every retry and stall redelivery of a job; a code is useless after 300 s anyway. */
const SENT_TTL_SECONDS = 600;

/**
 * How long a worker holds a job's send: past the provider's answer and an event-loop stall that
 * lost it the job's 10 s BullMQ lock, so the worker the job was handed to meanwhile waits for that
 * answer instead of sending too. A worker killed mid-send delays its job's next send this long.
 */
export const SEND_CLAIM_MS = 30_000;

/** How often a worker waiting for another's send looks again. */
const CLAIM_POLL_MS = 250;

const sentKey = (jobId: string): string => `smsjob:${jobId}:sent`;
const claimKey = (jobId: string): string => `smsjob:${jobId}:sending`;

type ClaimOutcome = 'sent' | 'claimed' | 'busy';

/** KEYS sent, claim; ARGV token, claim ms. */
const CLAIM = new RedisScript<
  ClaimOutcome,
  [sent: string, claim: string],
  [token: string, ms: number]
>(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'sent' end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
return 'busy'`);

/** KEYS claim; ARGV token: drops the claim only while it is still this worker's. */
const RELEASE = new RedisScript<number, [claim: string], [token: string]>(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);

/** A job's send, held by this worker until it is recorded or released. */
export interface SendClaim {
  /** Gives the send up (the provider refused it), so the job's retry sends without waiting. */
  release(): Promise<void>;
}

/**
 * Which SMS jobs the provider has accepted, in the state Redis role, so a redelivery does not
 * resend; and which one a worker is sending, so a redelivery running at the same time (the job
 * handed to another worker while the first, its lock lost, still sends) waits for that send.
 */
export class SmsSentLedger {
  constructor(
    private readonly redis: Redis,
    private readonly claimMs: number = SEND_CLAIM_MS,
  ) {}

  /**
   * The job's send for this worker, or undefined when it was sent. While another worker holds it,
   * waits until that one records it sent, gives it up, or dies and its claim lapses.
   */
  async claimSend(jobId: string): Promise<SendClaim | undefined> {
    const token = randomUUID();
    for (;;) {
      const outcome = await CLAIM.run(
        this.redis,
        [sentKey(jobId), claimKey(jobId)],
        [token, this.claimMs],
      );
      if (outcome === 'sent') return undefined;
      if (outcome === 'claimed') {
        return {
          release: async () => void (await RELEASE.run(this.redis, [claimKey(jobId)], [token])),
        };
      }
      await sleep(CLAIM_POLL_MS);
    }
  }

  async markSent(jobId: string): Promise<void> {
    await this.redis.set(sentKey(jobId), '1', 'EX', SENT_TTL_SECONDS);
  }
}
