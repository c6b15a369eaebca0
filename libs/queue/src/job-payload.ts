import { type Job, UnrecoverableError } from 'bullmq';

import { JOB_QUEUE, type JobName, type JobPayloads } from './queue-names';

/** The failure reasons of the jobs {@link jobPayload} refuses (see {@link isRefusedJob}). */
const REFUSED_REASONS: readonly RegExp[] = [
  /^Queue "[^"]*" has no handler for job ".*"$/s,
  /^Job .* \([^()]*\) has a malformed payload$/s,
];

/**
 * The payload of a job of `name`, checked. A job of another name, or a malformed payload (e.g.
 * from an older producer), fails for good (UnrecoverableError): retrying it cannot succeed.
 */
export function jobPayload<N extends JobName>(
  job: Pick<Job<unknown>, 'id' | 'name' | 'data'>,
  name: N,
  isPayload: (data: unknown) => data is JobPayloads[N],
): JobPayloads[N] {
  if (job.name !== (name as string)) {
    throw new UnrecoverableError(`Queue "${JOB_QUEUE[name]}" has no handler for job "${job.name}"`);
  }
  if (!isPayload(job.data))
    throw new UnrecoverableError(`Job ${job.id ?? '?'} (${name}) has a malformed payload`);
  return job.data;
}

/**
 * Whether a failed job was refused by {@link jobPayload}: running it again fails the same way. Its
 * attempts tell nothing: one added without the producer's options (by hand) has BullMQ's 0, and so
 * used them all up at its first failure.
 */
export function isRefusedJob(job: Pick<Job, 'failedReason'>): boolean {
  const reason = job.failedReason ?? '';
  return REFUSED_REASONS.some((pattern) => pattern.test(reason));
}
