import type { SessionStore, TokenSigner, TokenVerifier } from '@app/auth';
import { JobName, type JobProducer, type NotificationEmitter } from '@app/queue';
import type { Snowflake } from '@app/snowflake';

import type { UserConfig } from '../config/user.config';
import type { AccountsRepository } from './accounts.repository';
import { AuthService } from './auth.service';
import type { SmsCodeStore } from './sms-code.store';
import type { SmsRateLimiter } from './sms-rate-limiter';

describe('AuthService.sendSmsCode', () => {
  afterEach(() => jest.restoreAllMocks());

  it('names the SMS job by the instant the limiter counted, even when the clock turns a minute in between', async () => {
    const instants = [59_999, 60_001, 60_002];
    jest.spyOn(Date, 'now').mockImplementation(() => instants.shift() ?? 60_003);
    const take = jest
      .fn<Promise<boolean>, Parameters<SmsRateLimiter['take']>>()
      .mockResolvedValue(true);
    const enqueue = jest
      .fn<Promise<void>, Parameters<JobProducer['enqueue']>>()
      .mockResolvedValue(undefined);
    const service = new AuthService(
      { SMS_TEST_CODE: undefined } as unknown as UserConfig,
      { issue: jest.fn().mockResolvedValue('123456') } as unknown as SmsCodeStore,
      { take } as unknown as SmsRateLimiter,
      {} as AccountsRepository,
      {} as SessionStore,
      {} as TokenSigner,
      {} as TokenVerifier,
      { enqueue } as unknown as JobProducer,
      {} as Snowflake,
      {} as NotificationEmitter,
    );

    await service.sendSmsCode('app', '13955556666', '203.0.113.7');

    expect(take.mock.calls[0][2]).toBe(59_999);
    expect(enqueue).toHaveBeenCalledWith(
      JobName.SendSmsCode,
      { mobile: '13955556666', code: '123456', scope: 'app' },
      { jobId: `${JobName.SendSmsCode}_app_13955556666_59999` },
    );
  });
});

describe('AuthService, when sessions end', () => {
  function serviceWith(disconnect: { disconnectSession?: jest.Mock; disconnectUser?: jest.Mock }) {
    const sessions = {
      revoke: jest.fn().mockResolvedValue(undefined),
      revokeAll: jest.fn().mockResolvedValue(2),
    };
    const service = new AuthService(
      {} as UserConfig,
      {} as SmsCodeStore,
      {} as SmsRateLimiter,
      {} as AccountsRepository,
      sessions as unknown as SessionStore,
      {} as TokenSigner,
      {} as TokenVerifier,
      {} as JobProducer,
      {} as Snowflake,
      disconnect as unknown as NotificationEmitter,
    );
    return { service, sessions };
  }

  it('closes the IM sockets of a session that logs out, after revoking it', async () => {
    const disconnectSession = jest.fn().mockResolvedValue(1);
    const { service, sessions } = serviceWith({ disconnectSession });
    await service.logout('sid-1', 'u1');
    expect(sessions.revoke).toHaveBeenCalledWith('sid-1', 'u1');
    expect(disconnectSession).toHaveBeenCalledWith('sid-1');
    expect(sessions.revoke.mock.invocationCallOrder[0]).toBeLessThan(
      disconnectSession.mock.invocationCallOrder[0],
    );
  });

  it('closes every IM socket of a user whose sessions are revoked (freeze), and still answers when that fails', async () => {
    const disconnectUser = jest.fn().mockRejectedValue(new Error('Connection is closed.'));
    const { service, sessions } = serviceWith({ disconnectUser });
    await expect(service.revokeUserSessions('u1', true)).resolves.toBe(2);
    expect(sessions.revokeAll).toHaveBeenCalledWith('u1', true);
    expect(disconnectUser).toHaveBeenCalledWith('u1');
  });
});
