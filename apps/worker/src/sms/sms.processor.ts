import { CacheTtl } from '@app/cache';
import { errorMessage } from '@app/config';
import { JobName, jobPayload, JobProcessor, QueueName, type SendSmsCodePayload } from '@app/queue';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';

import { type CodeStanding, IssuedSmsCodes } from './issued-sms-codes';
import { maskCode } from './log-sms.sender';
import { SmsSentLedger } from './sms-sent.ledger';
import { SmsSender } from './sms.sender';

export interface SmsJobResult {
  /**
   * False when the job was a redelivery of one already sent, or its code had expired, was replaced
   * by a newer one for the mobile, or was used up.
   */
  sent: boolean;
}

/** How long a code can be used after it was issued (and its job added): later, it is not sent. */
const CODE_LIFETIME_MS = CacheTtl.smsCode.baseSeconds * 1000;

/**
 * Delivers verification codes from the `sms` queue.
 *
 * BullMQ delivers at least once: a worker killed mid-job has its job redelivered once the lock
 * expires, up to 5 times, and a worker whose lock lapsed while it still runs (its event loop
 * stalled) has the job handed to another meanwhile. A worker claims the job's send in the ledger
 * before calling the provider and records it as sent right after the provider accepts it: a
 * redelivery of a sent job is skipped, one that finds the send claimed waits for that worker's
 * answer (or its claim to lapse, `SEND_CLAIM_MS`, if it died), and a job killed before the
 * provider accepted it is sent by the redelivery: each code goes out once. Only a crash in the
 * instant between the provider's answer and the ledger write, or a worker stalled past its claim
 * mid-send, can send a code twice — the same code, which the user can still use.
 *
 * A code is sent only while it is the one the user service holds for the mobile: a job left behind
 * (a backlog, a worker restarting, a retry) whose code a newer request replaced, or a sign-in used
 * up, completes unsent, where it went out, after the newer code at times, and the user's last SMS
 * held a code the sign-in refused.
 */
@JobProcessor(QueueName.Sms, [JobName.SendSmsCode], {
  // SMS jobs take milliseconds; a short lock gets a crashed worker's job redelivered within ~15 s.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  // The ledger sends a code once however often its workers die, so a job is handed out again after
  // each of 5 crashes (each at most ~15 s, and the claim of one killed mid-send 30 s: well inside
  // the code's 300 s), where BullMQ's 1 failed it at the second and the code never went out.
  maxStalledCount: 5,
})
export class SmsProcessor extends WorkerHost {
  private readonly logger = new Logger(SmsProcessor.name);

  constructor(
    private readonly sender: SmsSender,
    private readonly ledger: SmsSentLedger,
    private readonly issued: IssuedSmsCodes,
  ) {
    super();
  }

  async process(
    job: Pick<Job<unknown>, 'id' | 'name' | 'data'> & Partial<Pick<Job, 'timestamp'>>,
  ): Promise<SmsJobResult> {
    const payload = jobPayload(job, JobName.SendSmsCode, isSendSmsCodePayload);
    if (!job.id) throw new UnrecoverableError('SMS jobs need a deterministic job id');
    // Left waiting past its code's life (no worker up, a backlog, a failed job retried by hand), an
    // SMS would cost a message and bring a code the user can no longer sign in with.
    const ageMs = job.timestamp === undefined ? 0 : Date.now() - job.timestamp;
    if (ageMs >= CODE_LIFETIME_MS) {
      this.logger.warn(
        `SMS job ${job.id} waited ${Math.round(ageMs / 1000)} s: its code expired, not sent`,
      );
      return { sent: false };
    }
    return this.sendSmsCode(job.id, payload);
  }

  private async sendSmsCode(jobId: string, payload: SendSmsCodePayload): Promise<SmsJobResult> {
    const claim = await this.ledger.claimSend(jobId);
    if (!claim) {
      this.logger.warn(`SMS job ${jobId} was already sent; skipping the redelivery`);
      return { sent: false };
    }
    let standing: CodeStanding;
    try {
      // Read under the claim, right before the send: a worker that waited out another's claim
      // sends only what is still the mobile's code after that wait.
      standing = await this.issued.standing(payload);
      if (standing === 'unseen') {
        // Every job of such a worker would complete unsent: sign-in would stop, logged at info.
        this.logger.error(
          `SMS job ${jobId}: the state Redis holds no code the user service issued; sending it unchecked. Unless a user service of the earlier release still issues codes, the worker's REDIS_STATE_URL and REDIS_KEY_PREFIX are not the user service's`,
        );
      }
      if (standing === 'current' || standing === 'unseen') await this.sender.send(payload);
    } catch (error) {
      await claim.release().catch(() => undefined);
      throw withoutCode(error, payload.code);
    }
    if (standing === 'replaced' || standing === 'gone') {
      await claim.release().catch(() => undefined);
      this.logger.log(
        `SMS job ${jobId}: its code was ${standing === 'replaced' ? 'replaced by a newer one for the mobile' : 'used up, burnt by wrong tries or expired'}, not sent`,
      );
      return { sent: false };
    }
    await this.ledger.markSent(jobId).catch((error: unknown) => {
      // The code is out; failing the job now would only make its retry send it again.
      this.logger.error(`SMS job ${jobId}: sent, but could not record it`, error);
    });
    return { sent: true };
  }
}

/**
 * The send's error, its code masked: a provider may echo the request (Aliyun answers a wrong
 * AccessKey secret with the string it signed, TemplateParam included), and the reason is kept with
 * the job and logged once it fails for good, where whoever reads it could sign in with the code.
 */
function withoutCode(error: unknown, code: string): unknown {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  if (!text.includes(code)) return error;
  return new Error(errorMessage(error).replaceAll(code, maskCode(code)));
}

/** One mainland mobile and a six-digit code, as the user service issues them. */
const MOBILE = /^1[3-9]\d{9}$/;
const CODE = /^\d{6}$/;

/**
 * A payload the user service could have written: Aliyun's PhoneNumbers also takes a comma list,
 * which would send the code to every number in it.
 */
function isSendSmsCodePayload(value: unknown): value is SendSmsCodePayload {
  if (typeof value !== 'object' || value === null) return false;
  const { mobile, code, scope } = value as Partial<Record<keyof SendSmsCodePayload, unknown>>;
  return (
    typeof mobile === 'string' &&
    MOBILE.test(mobile) &&
    typeof code === 'string' &&
    CODE.test(code) &&
    (scope === 'app' || scope === 'mp')
  );
}
