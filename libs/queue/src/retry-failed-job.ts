import type { Job } from 'bullmq';

/**
 * Gives a failed job fresh attempts (as if it had just been added) and answers whether it did:
 * false when the job was no longer failed, another worker replica having moved it first.
 */
export async function retryFailedJob(job: Pick<Job, 'retry'>): Promise<boolean> {
  try {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  } catch {
    return false;
  }
}
