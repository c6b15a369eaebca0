import type { Job, Worker } from 'bullmq';

/**
 * Logs each job of `worker` that failed for good (its attempts used up, refused, or its retries
 * ended) once, with its reason. A failed attempt that is retried is not logged: `worker_jobs_total`
 * counts it.
 */
export function logJobFailures(
  worker: Pick<Worker, 'name' | 'on'>,
  logger: { error(message: string): void },
): void {
  worker.on('failed', (job: Job | undefined, error: Error) => {
    // BullMQ sets finishedOn only when it moves the job to the failed set, not to a retry.
    if (!job?.finishedOn) return;
    const attempts = `${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}`;
    logger.error(
      `job ${job.id ?? '?'} (${worker.name}/${job.name}) failed for good after ${attempts}: ${error.message}`,
    );
  });
}
