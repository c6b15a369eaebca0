import type { SendSmsCodePayload } from '@app/queue';

import { SmsSender } from './sms.sender';

export const ALIYUN_SDK = '@alicloud/dysmsapi20170525';

export interface AliyunSmsSettings {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
  signName: string;
  templateCode: string;
}

interface SendSmsFields {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: string;
  outId: string;
}

/** The part of the Dysms SDK this driver uses (the SDK is an optional dependency). */
export interface DysmsapiSdk {
  default: new (
    config: Pick<AliyunSmsSettings, 'accessKeyId' | 'accessKeySecret' | 'endpoint'>,
  ) => {
    sendSms(request: object): Promise<{ body?: { code?: string; message?: string } }>;
  };
  SendSmsRequest: new (fields: SendSmsFields) => object;
}

/** Loads the SDK or fails with the fix, so `SMS_DRIVER=aliyun` without it stops the boot. */
export function loadDysmsapi(
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, loaded only when chosen
  load: (id: string) => unknown = (id) => require(id),
): DysmsapiSdk {
  let sdk: unknown;
  try {
    sdk = load(ALIYUN_SDK);
  } catch (error) {
    throw new Error(`SMS_DRIVER=aliyun needs ${ALIYUN_SDK}; install it or use SMS_DRIVER=log`, {
      cause: error,
    });
  }
  if (!isDysmsapiSdk(sdk))
    throw new Error(`${ALIYUN_SDK} does not export the expected Client and SendSmsRequest`);
  return sdk;
}

/** Sends through Aliyun Dysms `SendSms` with the original's sign and template; a non-OK reply throws (BullMQ retries). */
export class AliyunSmsSender extends SmsSender {
  private readonly client: InstanceType<DysmsapiSdk['default']>;

  constructor(
    private readonly sdk: DysmsapiSdk,
    private readonly settings: AliyunSmsSettings,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.client = new sdk.default({
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      endpoint: settings.endpoint,
    });
  }

  async send(message: SendSmsCodePayload): Promise<void> {
    const request = new this.sdk.SendSmsRequest({
      phoneNumbers: message.mobile,
      signName: this.settings.signName,
      templateCode: this.settings.templateCode,
      templateParam: JSON.stringify({ code: message.code }),
      outId: `${Math.floor(this.now() / 1000)}${message.mobile}`,
    });
    const response = await this.client.sendSms(request);
    const code = response.body?.code;
    if (code !== 'OK') {
      throw new Error(
        `Aliyun SendSms answered ${code ?? 'nothing'}: ${response.body?.message ?? ''}`,
      );
    }
  }
}

function isDysmsapiSdk(value: unknown): value is DysmsapiSdk {
  return (
    typeof value === 'object' &&
    value !== null &&
    'default' in value &&
    typeof value.default === 'function' &&
    'SendSmsRequest' in value &&
    typeof value.SendSmsRequest === 'function'
  );
}
