import { randomUUID } from 'node:crypto';

import { SessionStore, TokenSigner, TokenVerifier } from '@app/auth';
import { APP_CONFIG, errorMessage } from '@app/config';
import { AppError, ErrorKind, isStoreUnavailable, limitKeyOfAddress } from '@app/grpc';
import { JobName, JobProducer, jobId, NotificationEmitter } from '@app/queue';
import { Snowflake } from '@app/snowflake';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { UserConfig } from '../config/user.config';
import { UserStatus } from '../users/user.entity';
import { type Account, AccountsRepository } from './accounts.repository';
import { MOBILE_PATTERN, type Scope } from './auth-scope';
import { AuthErrors } from './auth.errors';
import { sameCode, SmsCodeStore } from './sms-code.store';
import { SmsRateLimiter } from './sms-rate-limiter';

export interface IssuedTokens {
  token: string;
  refreshToken: string;
  account: Account;
}

/** SMS sign-in, sessions and token refresh. The only place that signs tokens. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: UserConfig,
    private readonly codes: SmsCodeStore,
    private readonly limiter: SmsRateLimiter,
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionStore,
    private readonly signer: TokenSigner,
    private readonly verifier: TokenVerifier,
    private readonly jobs: JobProducer,
    private readonly snowflake: Snowflake,
    private readonly notifications: NotificationEmitter,
  ) {}

  async sendSmsCode(scope: Scope, mobile: string, clientIp: string): Promise<void> {
    if (!MOBILE_PATTERN.test(mobile)) throw AuthErrors.invalidMobile();
    // One instant for the limiter and the job id: the same send keeps its id, and two sends the
    // limiter let through are at least its interval apart on any one clock.
    const now = Date.now();
    const ipKey = limitKeyOfAddress(clientIp || 'unknown');
    if (!(await this.limiter.take(mobile, ipKey, now))) throw AuthErrors.tooManyRequests();
    const code = await this.codes.issue(scope, mobile, this.config.SMS_TEST_CODE);
    // Named by the instant, not its minute: a replica whose clock is behind, let through once the
    // mobile's interval lapsed in Redis, can still read the previous send's minute, and its new
    // code would be dropped as that send's duplicate while it replaced the code that send carries.
    await this.jobs.enqueue(
      JobName.SendSmsCode,
      { mobile, code, scope },
      { jobId: jobId(JobName.SendSmsCode, scope, mobile, now) },
    );
  }

  async login(scope: Scope, mobile: string, code: string): Promise<IssuedTokens> {
    if (!MOBILE_PATTERN.test(mobile) || !/^\d{6}$/.test(code)) throw AuthErrors.invalidCode();
    const testCode = this.isTestCode(code);
    if (!testCode && !(await this.codes.check(scope, mobile, code))) throw AuthErrors.invalidCode();
    const account = await this.accountFor(scope, mobile);
    await this.accounts.touchLastLogin(account.id);
    const verified = scope === 'mp';
    const sid = randomUUID();
    const refresh = this.signer.signRefresh(account.id, sid, verified ? { verified } : {});
    await this.sessions.create(account.id, scope, refresh.jti, sid);
    try {
      await this.refuseIfFrozenMeanwhile(account.id);
      // Used up only now: a sign-in that failed before (MySQL down) leaves the code to its retry.
      if (!testCode && !(await this.codes.take(scope, mobile, code)))
        throw AuthErrors.invalidCode();
    } catch (error) {
      await this.endUnansweredSession(sid, account.id);
      throw error;
    }
    return {
      token: this.signer.signAccess(account.id, sid, verified ? { verified } : {}),
      refreshToken: refresh.token,
      account,
    };
  }

  async refresh(
    scope: Scope,
    refreshToken: string,
  ): Promise<{ token: string; refreshToken: string }> {
    const claims = this.verifyRefreshToken(refreshToken);
    const session = await this.sessions.get(claims.sid);
    if (!session || session.userId !== claims.user_id || session.scope !== scope)
      throw AuthErrors.wrongRefreshToken();
    if (session.status === 'denied') throw AuthErrors.userDenied();
    if (await this.accountDisabled(session.userId)) throw AuthErrors.userDenied();
    const extra = scope === 'mp' ? { verified: true } : {};
    if (this.config.AUTH_REFRESH_POLICY === 'reuse') {
      if (session.refreshJti !== claims.jti) throw AuthErrors.wrongRefreshToken();
      return {
        token: this.signer.signAccess(session.userId, session.sid, extra),
        refreshToken: '',
      };
    }
    const next = this.signer.signRefresh(session.userId, session.sid, extra);
    const outcome = await this.sessions.rotate(session, claims.jti ?? '', next.jti);
    // A replayed token ended the session: its sockets go with it, as on a logout.
    if (outcome === 'reused')
      await this.closeSockets(() => this.notifications.disconnectSession(session.sid));
    if (outcome !== 'rotated') throw AuthErrors.wrongRefreshToken();
    return {
      token: this.signer.signAccess(session.userId, session.sid, extra),
      refreshToken: next.token,
    };
  }

  /**
   * The account's status, a second look after the session's (a freeze denies the user's sessions).
   * A MySQL that cannot be reached or is restarting leaves it to the session: the refresh answered
   * 503, and toutiao-m, which sends its reader to the sign-in page on any failed refresh, signed
   * out every reader whose access token expired meanwhile. Any other error of the read is no
   * outage and still fails the refresh. An account read as disabled or gone has its sessions
   * denied, as a freeze would: a status set to 0 without one then stays refused while MySQL is
   * down.
   */
  private async accountDisabled(userId: string): Promise<boolean> {
    let account: Account | null;
    try {
      account = await this.accounts.findById(userId);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      this.logger.warn(
        `account ${userId} not read for a refresh, its session's status taken: ${errorMessage(error)}`,
      );
      return false;
    }
    if (account?.status === UserStatus.Enabled) return false;
    await this.denySessionsOfDisabled(userId);
    return true;
  }

  /** The refresh is refused whatever this does: a failure is logged, not answered. */
  private async denySessionsOfDisabled(userId: string): Promise<void> {
    try {
      await this.revokeUserSessions(userId, true);
    } catch (error) {
      this.logger.warn(`sessions of disabled account ${userId} not denied: ${errorMessage(error)}`);
    }
  }

  async logout(sid: string, userId: string): Promise<void> {
    await this.sessions.revoke(sid, userId);
    await this.closeSockets(() => this.notifications.disconnectSession(sid));
  }

  async revokeUserSessions(userId: string, deny: boolean): Promise<number> {
    const revoked = await this.sessions.revokeAll(userId, deny);
    await this.closeSockets(() => this.notifications.disconnectUser(userId));
    return revoked;
  }

  /**
   * A freeze sets status 0, then denies the user's sessions. One that landed after the sign-in
   * read the account but before its session was stored did not see that session: it would sign
   * the frozen user in. Read again once the session is stored, the status tells: the sign-in is
   * refused as the frozen account's (and its session ended by the caller).
   */
  private async refuseIfFrozenMeanwhile(userId: string): Promise<void> {
    const account = await this.accounts.findById(userId);
    if (account?.status !== UserStatus.Enabled) throw AuthErrors.invalidUser();
  }

  /**
   * Ends a session stored for a sign-in that is refused or failed after storing it. No token of
   * it was answered, so one left behind (Redis failing here too) signs no one in: the sign-in's
   * own answer is kept.
   */
  private async endUnansweredSession(sid: string, userId: string): Promise<void> {
    try {
      await this.sessions.revoke(sid, userId);
    } catch (error) {
      this.logger.warn(`session of a refused sign-in not ended: ${errorMessage(error)}`);
    }
  }

  /**
   * Closes the IM sockets of sessions that ended, which would otherwise keep receiving
   * notifications. The sessions are already revoked: a failure here is logged, not answered.
   */
  private async closeSockets(disconnect: () => Promise<number>): Promise<void> {
    try {
      await disconnect();
    } catch (error) {
      this.logger.warn(`IM sockets of an ended session not closed: ${errorMessage(error)}`);
    }
  }

  /**
   * Whether the code is the development SMS_TEST_CODE, taken for any mobile at any time instead of
   * the code sent, as the public demo servers took it: the real clients' demo logins sign in
   * without asking for a code.
   */
  private isTestCode(code: string): boolean {
    const testCode = this.config.SMS_TEST_CODE;
    return testCode !== undefined && sameCode(testCode, code);
  }

  private async accountFor(scope: Scope, mobile: string): Promise<Account> {
    const existing = await this.accounts.findByMobile(mobile);
    if (scope === 'mp') {
      if (!existing || !existing.isMedia) throw AuthErrors.notMedia();
    }
    const account = existing ?? (await this.accounts.register(this.snowflake.nextId(), mobile));
    if (account.status !== UserStatus.Enabled) throw AuthErrors.invalidUser();
    return account;
  }

  private verifyRefreshToken(token: string): ReturnType<TokenVerifier['verify']> {
    try {
      return this.verifier.verifyAs(token, 'refresh');
    } catch (error) {
      if (error instanceof AppError && error.kind !== ErrorKind.Internal)
        throw AuthErrors.wrongRefreshToken();
      throw error;
    }
  }
}
