import type { SendSmsCodePayload } from '@app/queue';
import { Logger } from '@nestjs/common';

import type { SmsOutbox } from './sms-outbox';
import { SmsSender } from './sms.sender';

/** Codes never reach the logs whole: log storage is read by more people than the user's phone. */
export function maskCode(code: string): string {
  const visible = code.length > 2 ? code.slice(-2) : '';
  return '*'.repeat(code.length - visible.length) + visible;
}

/** Default driver: logs the delivery instead of sending it (development and tests). */
export class LogSmsSender extends SmsSender {
  private readonly logger = new Logger('SmsSender');

  constructor(private readonly outbox?: SmsOutbox) {
    super();
  }

  send(message: SendSmsCodePayload): Promise<void> {
    return Promise.resolve().then(() => {
      this.outbox?.record(message);
      this.logger.log(`SMS code ${maskCode(message.code)} to ${message.mobile} (${message.scope}, log driver)`);
    });
  }
}
