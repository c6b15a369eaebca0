import type { SendSmsCodePayload } from '@app/queue';
import { Logger } from '@nestjs/common';

import { AliyunSmsSender, type DysmsapiSdk, loadDysmsapi } from './aliyun-sms.sender';
import { LogSmsSender, maskCode } from './log-sms.sender';
import { SmsOutbox } from './sms-outbox';
import { createSmsSender, logDriverWarning, type SmsSettings } from './sms.module';

const message: SendSmsCodePayload = { mobile: '13911111111', code: '123456', scope: 'mp' };

const settings: SmsSettings = {
  NODE_ENV: 'test',
  SMS_DRIVER: 'log',
  ALIYUN_ACCESS_KEY_ID: undefined,
  ALIYUN_ACCESS_KEY_SECRET: undefined,
  ALIYUN_SMS_ENDPOINT: 'dysmsapi.aliyuncs.com',
  ALIYUN_SMS_SIGN_NAME: 'sign',
  ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1',
  SMS_LOG_FILE: undefined,
  SMS_LOG_LATENCY_MS: 0,
};

describe('maskCode', () => {
  it('keeps only the last two digits', () => {
    expect(maskCode('123456')).toBe('****56');
    expect(maskCode('12')).toBe('**');
  });
});

describe('logDriverWarning', () => {
  it('warns a production boot that codes reach no phone, and where they go', () => {
    expect(logDriverWarning({ ...settings, NODE_ENV: 'production' })).toBe(
      'SMS_DRIVER=log: verification codes are not sent to phones, written nowhere (set SMS_LOG_FILE for an inbox); set SMS_DRIVER=aliyun to deliver them',
    );
    expect(
      logDriverWarning({
        ...settings,
        NODE_ENV: 'production',
        SMS_LOG_FILE: '/app/.data/sms-inbox.jsonl',
      }),
    ).toContain('only written to /app/.data/sms-inbox.jsonl');
  });

  it('stays quiet in development and tests, and for a real driver', () => {
    expect(logDriverWarning({ ...settings, NODE_ENV: 'development' })).toBeUndefined();
    expect(logDriverWarning(settings)).toBeUndefined();
    expect(
      logDriverWarning({ ...settings, NODE_ENV: 'production', SMS_DRIVER: 'aliyun' }),
    ).toBeUndefined();
  });
});

describe('LogSmsSender', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });

  it('records deliveries in the test outbox and fails when a failure is injected', async () => {
    const outbox = new SmsOutbox();
    const sender = new LogSmsSender(outbox);
    outbox.failNext();
    await expect(sender.send(message)).rejects.toThrow('injected SMS delivery failure');
    await sender.send(message);
    expect(outbox.attempts).toBe(2);
    expect(outbox.sentTo(message.mobile)).toEqual([message]);
  });
});

describe('AliyunSmsSender', () => {
  const requests: object[] = [];
  let replyCode = 'OK';
  const sdk: DysmsapiSdk = {
    default: class {
      sendSms(request: object) {
        requests.push(request);
        return Promise.resolve({ body: { code: replyCode, message: 'reply' } });
      }
    },
    SendSmsRequest: class {
      constructor(fields: object) {
        Object.assign(this, fields);
      }
    },
  };
  const aliyun = {
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    endpoint: 'e',
    signName: 'sign',
    templateCode: 'SMS_1',
  };

  it('sends the code with the configured sign and template', async () => {
    await new AliyunSmsSender(sdk, aliyun, () => 1_764_000_000_123).send(message);
    expect(requests.at(-1)).toEqual({
      phoneNumbers: '13911111111',
      signName: 'sign',
      templateCode: 'SMS_1',
      templateParam: '{"code":"123456"}',
      outId: '176400000013911111111',
    });
  });

  it('throws on a non-OK reply so the job is retried', async () => {
    replyCode = 'isv.BUSINESS_LIMIT_CONTROL';
    await expect(new AliyunSmsSender(sdk, aliyun).send(message)).rejects.toThrow(
      /BUSINESS_LIMIT_CONTROL/,
    );
  });
});

describe('createSmsSender', () => {
  it('uses the log driver by default', () => {
    expect(createSmsSender(settings)).toBeInstanceOf(LogSmsSender);
  });

  it('fails fast when the aliyun driver lacks its SDK', () => {
    const missing = () => {
      throw Object.assign(new Error('Cannot find module'), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadDysmsapi(missing)).toThrow(
      'SMS_DRIVER=aliyun needs @alicloud/dysmsapi20170525',
    );
    expect(() => loadDysmsapi(() => ({}))).toThrow(/does not export/);
  });

  it('builds the aliyun driver on the real SDK when configured', () => {
    const sender = createSmsSender({
      ...settings,
      SMS_DRIVER: 'aliyun',
      ALIYUN_ACCESS_KEY_ID: 'id',
      ALIYUN_ACCESS_KEY_SECRET: 'secret',
    });
    expect(sender).toBeInstanceOf(AliyunSmsSender);
  });

  it('fails fast when the aliyun driver lacks its keys', () => {
    expect(() => createSmsSender({ ...settings, SMS_DRIVER: 'aliyun' })).toThrow(
      /ALIYUN_ACCESS_KEY_ID/,
    );
  });
});
