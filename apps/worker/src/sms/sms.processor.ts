import { JobName, JobProcessor, QueueName, type SendSmsCodePayload } from '@app/queue';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';

import { SmsSentLedger } from './sms-sent.ledger';
import { SmsSender } from './sms.sender';

export interface SmsJobResult {
  /** False when the job was a redelivery of one already sent. */
  sent: boolean;
}

/**
 * Delivers verification codes from the `sms` queue.
 *
 * BullMQ delivers at least once: a worker that crashes after sending but before acking gets
 * its job redelivered as stalled. The claim in the state Redis, taken before sending, turns
 * that into at most once per job id for 600 s. The price is the window between the claim and
 * the send: a crash there (or a failed release after a failed send) leaves the code unsent,
 * and the user asks for a new one after the 1-minute limit. A lost code is cheaper than a
 * duplicate SMS we pay for and that confuses the user.
 */
@JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
export class SmsProcessor extends WorkerHost {
  private readonly logger = new Logger(SmsProcessor.name);

  constructor(
    private readonly sender: SmsSender,
    private readonly ledger: SmsSentLedger,
  ) {
    super();
  }

  async process(job: Pick<Job, 'id' | 'name' | 'data'>): Promise<SmsJobResult> {
    if (job.name !== JobName.SendSmsCode) {
      throw new UnrecoverableError(`Queue "${QueueName.Sms}" has no handler for job "${job.name}"`);
    }
    if (!job.id) throw new UnrecoverableError('SMS jobs need a deterministic job id');
    const payload: SendSmsCodePayload = job.data;
    return this.sendSmsCode(job.id, payload);
  }

  private async sendSmsCode(jobId: string, payload: SendSmsCodePayload): Promise<SmsJobResult> {
    if (!(await this.ledger.claim(jobId))) {
      this.logger.warn(`SMS job ${jobId} was already sent; skipping the redelivery`);
      return { sent: false };
    }
    try {
      await this.sender.send(payload);
    } catch (error) {
      await this.ledger.release(jobId).catch((releaseError: unknown) => {
        this.logger.error(`SMS job ${jobId}: could not release its claim; the retry will not send`, releaseError);
      });
      throw error;
    }
    return { sent: true };
  }
}
