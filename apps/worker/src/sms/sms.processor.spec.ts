import { JobName, type SendSmsCodePayload } from '@app/queue';
import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import type { CodeStanding, IssuedSmsCodes } from './issued-sms-codes';
import type { SendClaim, SmsSentLedger } from './sms-sent.ledger';
import { SmsSender } from './sms.sender';
import { SmsProcessor } from './sms.processor';

class FakeLedger implements Pick<SmsSentLedger, 'claimSend' | 'markSent'> {
  readonly sent = new Set<string>();
  readonly claimed = new Set<string>();
  failMark = false;

  claimSend(jobId: string): Promise<SendClaim | undefined> {
    if (this.sent.has(jobId)) return Promise.resolve(undefined);
    this.claimed.add(jobId);
    return Promise.resolve({
      release: () => {
        this.claimed.delete(jobId);
        return Promise.resolve();
      },
    });
  }

  markSent(jobId: string): Promise<void> {
    if (this.failMark) return Promise.reject(new Error('redis down'));
    this.sent.add(jobId);
    return Promise.resolve();
  }
}

class FakeSender extends SmsSender {
  readonly sent: SendSmsCodePayload[] = [];
  failures = 0;
  failure = 'gateway timeout';

  send(message: SendSmsCodePayload): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error(this.failure));
    }
    this.sent.push(message);
    return Promise.resolve();
  }
}

class FakeIssuedCodes implements Pick<IssuedSmsCodes, 'standing'> {
  standingNow: CodeStanding | Error = 'current';

  standing(): Promise<CodeStanding> {
    const now = this.standingNow;
    return now instanceof Error ? Promise.reject(now) : Promise.resolve(now);
  }
}

const payload: SendSmsCodePayload = { mobile: '13911111111', code: '123456', scope: 'app' };

function newTestProcessor() {
  const ledger = new FakeLedger();
  const sender = new FakeSender();
  const issued = new FakeIssuedCodes();
  const processor = new SmsProcessor(
    sender,
    ledger as unknown as SmsSentLedger,
    issued as unknown as IssuedSmsCodes,
  );
  const job = (overrides: { id?: string; name?: string } = {}) => ({
    id: 'send-sms-code_app_1',
    name: JobName.SendSmsCode as string,
    data: payload,
    ...overrides,
  });
  return { ledger, sender, issued, processor, job };
}

describe('SmsProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });

  it('sends the code, then records the job as sent', async () => {
    const { ledger, sender, processor, job } = newTestProcessor();
    await expect(processor.process(job())).resolves.toEqual({ sent: true });
    expect(sender.sent).toEqual([payload]);
    expect(ledger.sent.has('send-sms-code_app_1')).toBe(true);
  });

  it('does not send a redelivered job twice', async () => {
    const { sender, processor, job } = newTestProcessor();
    await processor.process(job());
    await expect(processor.process(job())).resolves.toEqual({ sent: false });
    expect(sender.sent).toHaveLength(1);
  });

  it('records nothing when sending fails, so the retry sends', async () => {
    const { ledger, sender, processor, job } = newTestProcessor();
    sender.failures = 1;
    await expect(processor.process(job())).rejects.toThrow('gateway timeout');
    expect(ledger.sent.size).toBe(0);
    expect(ledger.claimed.size).toBe(0);
    await expect(processor.process(job())).resolves.toEqual({ sent: true });
    expect(sender.sent).toHaveLength(1);
  });

  // Aliyun answers a wrong AccessKey secret with the request it signed, TemplateParam included; the
  // reason is kept with the job and logged when it fails for good, where any reader could sign in.
  it('keeps the code out of the reason of a failed send', async () => {
    const { sender, processor, job } = newTestProcessor();
    sender.failures = 1;
    sender.failure =
      'code: 400, Specified signature is not matched with our calculation. server string to sign is:POST&%2F&Action%3DSendSms%26PhoneNumbers%3D13911111111%26TemplateParam%3D%257B%2522code%2522%253A%2522123456%2522%257D request id: 1DD9FD9A';
    const failure = await processor.process(job()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('Specified signature is not matched');
    expect(`${(failure as Error).message} ${(failure as Error).stack}`).not.toContain('123456');
  });

  it.each<CodeStanding>(['replaced', 'gone'])(
    'completes a job whose code is %s without sending it, its claim given up',
    async (standing) => {
      const { ledger, sender, issued, processor, job } = newTestProcessor();
      issued.standingNow = standing;
      await expect(processor.process(job())).resolves.toEqual({ sent: false });
      expect(sender.sent).toHaveLength(0);
      expect(ledger.claimed.size).toBe(0);
      expect(ledger.sent.size).toBe(0);
    },
  );

  it("sends a code its state Redis holds none like, saying at error that it may not be the user service's", async () => {
    const { ledger, sender, issued, processor, job } = newTestProcessor();
    issued.standingNow = 'unseen';
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      await expect(processor.process(job())).resolves.toEqual({ sent: true });
      expect(sender.sent).toHaveLength(1);
      expect(ledger.sent.has('send-sms-code_app_1')).toBe(true);
      expect(String(errors.mock.calls[0]?.[0])).toContain('REDIS_KEY_PREFIX');
    } finally {
      errors.mockRestore();
    }
  });

  it('fails the job (retried) when the stored code cannot be read, sending nothing', async () => {
    const { ledger, sender, issued, processor, job } = newTestProcessor();
    issued.standingNow = new Error('redis down');
    await expect(processor.process(job())).rejects.toThrow('redis down');
    expect(sender.sent).toHaveLength(0);
    expect(ledger.claimed.size).toBe(0);
  });

  it('completes a sent job even when the ledger cannot record it (a retry would resend)', async () => {
    const { ledger, sender, processor, job } = newTestProcessor();
    ledger.failMark = true;
    await expect(processor.process(job())).resolves.toEqual({ sent: true });
    expect(sender.sent).toHaveLength(1);
  });

  it('fails without retries on a job it does not handle, without an id or with a malformed payload', async () => {
    const { sender, processor, job } = newTestProcessor();
    await expect(processor.process(job({ name: 'other-job' }))).rejects.toThrow(UnrecoverableError);
    await expect(processor.process(job({ id: undefined }))).rejects.toThrow(UnrecoverableError);
    await expect(
      processor.process({ ...job(), data: { ...payload, scope: 'web' } }),
    ).rejects.toThrow(UnrecoverableError);
    await expect(processor.process({ ...job(), data: null })).rejects.toThrow(/malformed payload/);
    expect(sender.sent).toHaveLength(0);
  });

  // Hand-made, or from another producer: Aliyun's PhoneNumbers takes a comma list (the code would
  // reach every number in it), and a send the provider refuses was tried three times.
  it.each([
    ['a list of mobiles', { mobile: '13911111111,13922222222' }],
    ['a mobile that is none', { mobile: '' }],
    ['a mobile with a line break', { mobile: '13911111111\n{"mobile":"13922222222"}' }],
    ['a code that is not six digits', { code: '12345' }],
    ['a code of another shape', { code: '<b>123456</b>' }],
  ])('fails without retries on %s, sending nothing', async (_case, change) => {
    const { sender, ledger, processor, job } = newTestProcessor();
    await expect(processor.process({ ...job(), data: { ...payload, ...change } })).rejects.toThrow(
      UnrecoverableError,
    );
    expect(sender.sent).toHaveLength(0);
    expect(ledger.claimed.size).toBe(0);
  });
});
