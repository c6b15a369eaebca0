import { Job, type MinimalQueue, type Worker } from 'bullmq';

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

/**
 * Logs each job `worker`'s stalled check found stalled (its worker killed, or blocked past its
 * lock) and moved back to wait, once, by its id and name; never its payload (an SMS job's holds
 * the code). One stalled more often than `maxStalledCount` then fails when taken, logged above.
 */
export function logStalledJobs(worker: Worker, logger: { warn(message: string): void }): void {
  worker.on('stalled', (jobId: string) => {
    void stalledJob(worker, jobId).then((job) => {
      const times = job?.stalledCounter ?? 0;
      logger.warn(
        `job ${jobId} (${worker.name}/${job?.name ?? '?'}) stalled (its worker gone, or blocked past its lock): handed out again, stalled ${times} time${times === 1 ? '' : 's'} so far`,
      );
    });
  });
}

/** The stalled job, undefined when it is gone already or cannot be read (the line goes out anyway). */
async function stalledJob(worker: MinimalQueue, jobId: string): Promise<Job | undefined> {
  try {
    return await Job.fromId(worker, jobId);
  } catch {
    return undefined;
  }
}
