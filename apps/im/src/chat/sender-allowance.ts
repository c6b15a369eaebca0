import { ApplyOnceScript } from '@app/cache';
import { errorMessage, settledWithin } from '@app/config';
import { Logger, type LoggerService } from '@nestjs/common';
import type Redis from 'ioredis';

import type { AllowanceRule } from './message-allowance';

/** How long a message waits for the state Redis before its socket's own limit alone decides. */
export const SENDER_ALLOWANCE_TIMEOUT_MS = 500;

// GCRA, the token bucket as one timestamp. KEYS[1]: when the sender's bucket is full again (ms).
// ARGV: the interval, the burst. A refused message takes nothing; the key expires as the bucket
// fills up. The time is Redis' own, so replicas whose clocks disagree measure on one clock (TIME
// before a write needs script effects replication, the only mode since Redis 7, default since 5).
// A take sent again after it took (its reply lost) answers 1 and takes nothing more.
const TAKE = new ApplyOnceScript<number, [string], [number, number]>({
  apply: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local full = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now) + interval
if full - now > interval * tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], full, 'PX', full - now)
return 1`,
  replay: 'return 1',
  refused: 'reply == 0',
});

/**
 * A sender's allowance (`user:<id>`, `ip:<address>`), kept in the state Redis so that every socket
 * of the sender, on every replica, draws on it. When the state Redis fails the call or does not
 * answer in time, the message is let through: each socket's own allowance still holds. Until a
 * script past its timeout is answered, no other is sent and messages go through at once.
 */
export class SenderAllowance {
  private down = false;
  /** A script past its timeout still unanswered: the state Redis hangs, and more would pile up. */
  private hanging = false;

  constructor(
    private readonly redis: Redis,
    private readonly rule: AllowanceRule,
    private readonly logger: Pick<LoggerService, 'warn' | 'log'> = new Logger(SenderAllowance.name),
    private readonly timeoutMs = SENDER_ALLOWANCE_TIMEOUT_MS,
  ) {}

  /** Spends one of the sender's messages; false when there is none left. */
  async take(sender: string): Promise<boolean> {
    const verdict = await this.ask(sender);
    if (typeof verdict === 'boolean') {
      if (this.down) {
        this.down = false;
        this.logger.log('chat limit: the state Redis answers again, senders are limited again');
      }
      return verdict;
    }
    // Once per outage: a flood would otherwise log a line per message.
    if (!this.down) {
      this.down = true;
      this.logger.warn(
        `chat limit: state Redis ${verdict}; only each socket is limited until it answers`,
      );
    }
    return true;
  }

  /** The script's answer, or why there is none. */
  private ask(sender: string): Promise<boolean | string> {
    // Disconnected, a command would wait for reconnection attempts: no point delaying the chat.
    if (this.redis.status !== 'ready')
      return Promise.resolve(`not connected (${this.redis.status})`);
    const timedOut = `did not answer within ${this.timeoutMs} ms`;
    if (this.hanging) return Promise.resolve(timedOut);
    const key = `chat:limit:${sender}`;
    let answered = false;
    const reply = TAKE.run(this.redis, [key], [this.rule.intervalMs, this.rule.burst])
      .then(
        (taken) => taken === 1,
        (error: unknown) => `failed: ${errorMessage(error)}`,
      )
      .finally(() => {
        answered = true;
        this.hanging = false;
      });
    return settledWithin(reply, this.timeoutMs, timedOut).then((verdict) => {
      if (!answered) this.hanging = true;
      return verdict;
    });
  }
}
