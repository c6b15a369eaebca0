import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import type { SendSmsCodePayload } from '@app/queue';
import { Logger } from '@nestjs/common';

import type { SmsOutbox } from './sms-outbox';
import { SmsSender } from './sms.sender';

/** Codes never reach the logs whole: log storage is read by more people than the user's phone. */
export function maskCode(code: string): string {
  const visible = code.length > 2 ? code.slice(-2) : '';
  return '*'.repeat(code.length - visible.length) + visible;
}

export interface LogSmsOptions {
  /** Development inbox: every delivered SMS is appended here as a JSON line, code included. */
  file?: string;
  /** Simulated provider latency; the message counts as delivered only when it has passed. */
  latencyMs?: number;
}

/** Default driver: logs the delivery instead of sending it (development and tests). */
export class LogSmsSender extends SmsSender {
  private readonly logger = new Logger('SmsSender');

  constructor(
    private readonly outbox?: SmsOutbox,
    private readonly options: LogSmsOptions = {},
  ) {
    super();
  }

  async send(message: SendSmsCodePayload): Promise<void> {
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    this.outbox?.record(message);
    if (this.options.file) {
      await appendFile(
        this.options.file,
        `${JSON.stringify({ ...message, at: new Date().toISOString() })}\n`,
      );
    }
    this.logger.log(
      `SMS code ${maskCode(message.code)} to ${message.mobile} (${message.scope}, log driver)`,
    );
  }
}
