import type { SendSmsCodePayload } from '@app/queue';
import { Injectable } from '@nestjs/common';

/**
 * What the log driver "sent", kept in memory when NODE_ENV=test so tests can count deliveries,
 * with failure injection so they can exercise retries against the real worker.
 */
@Injectable()
export class SmsOutbox {
  readonly sent: SendSmsCodePayload[] = [];
  private attemptCount = 0;
  private failuresLeft = 0;

  /** Every delivery attempt, failed ones included. */
  get attempts(): number {
    return this.attemptCount;
  }

  /** Makes the next `times` deliveries throw. */
  failNext(times = 1): void {
    this.failuresLeft += times;
  }

  record(message: SendSmsCodePayload): void {
    this.attemptCount += 1;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('injected SMS delivery failure');
    }
    this.sent.push({ ...message });
  }

  sentTo(mobile: string): SendSmsCodePayload[] {
    return this.sent.filter((message) => message.mobile === mobile);
  }
}
