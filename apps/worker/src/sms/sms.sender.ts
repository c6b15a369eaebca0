import type { SendSmsCodePayload } from '@app/queue';

/** Delivers one verification code. Drivers: `log` (default) and `aliyun` (SMS_DRIVER). */
export abstract class SmsSender {
  abstract send(message: SendSmsCodePayload): Promise<void>;
}
