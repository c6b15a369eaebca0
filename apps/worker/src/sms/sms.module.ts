import { REDIS_STATE } from '@app/cache';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type Redis from 'ioredis';

import type { WorkerConfig } from '../config/worker.config';
import { AliyunSmsSender, loadDysmsapi } from './aliyun-sms.sender';
import { IssuedSmsCodes } from './issued-sms-codes';
import { LogSmsSender } from './log-sms.sender';
import { SmsOutbox } from './sms-outbox';
import { SmsSentLedger } from './sms-sent.ledger';
import { SmsSender } from './sms.sender';
import { SmsProcessor } from './sms.processor';

export type SmsSettings = Pick<
  WorkerConfig,
  | 'NODE_ENV'
  | 'SMS_DRIVER'
  | 'ALIYUN_ACCESS_KEY_ID'
  | 'ALIYUN_ACCESS_KEY_SECRET'
  | 'ALIYUN_SMS_ENDPOINT'
  | 'ALIYUN_SMS_SIGN_NAME'
  | 'ALIYUN_SMS_TEMPLATE_CODE'
  | 'SMS_LOG_FILE'
  | 'SMS_LOG_LATENCY_MS'
>;

/**
 * What an operator must hear at boot when codes will reach no phone: the `log` driver outside
 * development and tests, where nobody can sign in unless they read SMS_LOG_FILE.
 */
export function logDriverWarning(
  settings: Pick<SmsSettings, 'NODE_ENV' | 'SMS_DRIVER' | 'SMS_LOG_FILE'>,
): string | undefined {
  if (settings.SMS_DRIVER !== 'log' || settings.NODE_ENV !== 'production') return undefined;
  const inbox = settings.SMS_LOG_FILE
    ? `only written to ${settings.SMS_LOG_FILE}`
    : 'written nowhere (set SMS_LOG_FILE for an inbox)';
  return `SMS_DRIVER=log: verification codes are not sent to phones, ${inbox}; set SMS_DRIVER=aliyun to deliver them`;
}

/** The driver chosen by SMS_DRIVER; `aliyun` without its SDK or keys fails the boot here. */
export function createSmsSender(settings: SmsSettings, outbox?: SmsOutbox): SmsSender {
  switch (settings.SMS_DRIVER) {
    case 'log': {
      const warning = logDriverWarning(settings);
      if (warning) new Logger('SmsSender').warn(warning);
      return new LogSmsSender(outbox, {
        file: settings.SMS_LOG_FILE,
        latencyMs: settings.SMS_LOG_LATENCY_MS,
      });
    }
    case 'aliyun': {
      const { ALIYUN_ACCESS_KEY_ID: accessKeyId, ALIYUN_ACCESS_KEY_SECRET: accessKeySecret } =
        settings;
      if (!accessKeyId || !accessKeySecret) {
        throw new Error(
          'SMS_DRIVER=aliyun needs ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET',
        );
      }
      return new AliyunSmsSender(loadDysmsapi(), {
        accessKeyId,
        accessKeySecret,
        endpoint: settings.ALIYUN_SMS_ENDPOINT,
        signName: settings.ALIYUN_SMS_SIGN_NAME,
        templateCode: settings.ALIYUN_SMS_TEMPLATE_CODE,
      });
    }
  }
}

/** The `sms` queue's processor and its sender; imported only when WORKER_QUEUES includes `sms`. */
@Module({})
export class SmsModule {
  static forRoot(settings: SmsSettings): DynamicModule {
    const outbox = settings.NODE_ENV === 'test' ? [SmsOutbox] : [];
    return {
      module: SmsModule,
      providers: [
        ...outbox,
        {
          provide: SmsSentLedger,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new SmsSentLedger(redis),
        },
        {
          provide: IssuedSmsCodes,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new IssuedSmsCodes(redis),
        },
        SmsProcessor,
        {
          provide: SmsSender,
          inject: [{ token: SmsOutbox, optional: true }],
          useFactory: (testOutbox?: SmsOutbox) => createSmsSender(settings, testOutbox),
        },
      ],
      exports: outbox,
    };
  }
}
