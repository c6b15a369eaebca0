import type { JobsOptions } from 'bullmq';

import { JobName } from './queue-names';

/**
 * Options every job gets unless the producer overrides them: 3 attempts with exponential
 * backoff from 1 s (as the original Celery task retried), completed jobs kept 1 h (so a
 * redelivered request with the same jobId is still deduplicated), failed jobs kept 7 days.
 */
export const DEFAULT_JOB_OPTIONS: Readonly<JobsOptions> = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Jobs that bring a store in line with another (search, candidate pools, the counter repair) may
 * wait out an outage of the service they call: 12 attempts from 1 s doubling, about 34 minutes
 * in all, where 3 attempts gave up after 3 s and left the article unindexed for good, or the
 * counters unrepaired until the next night.
 */
const SYNC_JOB_OPTIONS: Readonly<JobsOptions> = { attempts: 12 };
const SYNC_JOBS: ReadonlySet<JobName> = new Set([
  JobName.IndexArticle,
  JobName.RefreshCandidate,
  JobName.RepairCounters,
]);

/** The options of a job of `name`: DEFAULT_JOB_OPTIONS, with what that kind of job changes. */
export function jobOptionsFor(name: JobName): JobsOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...(SYNC_JOBS.has(name) ? SYNC_JOB_OPTIONS : {}) };
}

const JOB_ID_PART = /^[A-Za-z0-9.+-]+$/;
const JOB_ID_SEPARATOR = '_';

export class InvalidJobIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobIdError';
  }
}

/**
 * A deterministic job id: `<name>_<part>_<part>…`. Parts may hold letters, digits, `.`, `+`
 * and `-` only, so the id is unambiguous and never contains the `:` BullMQ rejects.
 */
export function jobId(name: JobName, ...parts: ReadonlyArray<string | number>): string {
  if (parts.length === 0) throw new InvalidJobIdError(`jobId(${name}) needs at least one part`);
  const texts = parts.map(String);
  const bad = texts.find((part) => !JOB_ID_PART.test(part));
  if (bad !== undefined) {
    throw new InvalidJobIdError(
      `jobId(${name}): part ${JSON.stringify(bad)} must match ${JOB_ID_PART}`,
    );
  }
  return [name, ...texts].join(JOB_ID_SEPARATOR);
}

/** Whether BullMQ takes `id` as a custom job id: not empty, not integer-like, without ':'. */
export function isValidJobId(id: string): boolean {
  return id.length > 0 && !id.includes(':') && `${Number.parseInt(id, 10)}` !== id;
}

/** Rejects ids BullMQ would refuse or misread: empty, integer-like, or containing ':'. */
export function assertValidJobId(id: string): void {
  if (!isValidJobId(id)) {
    throw new InvalidJobIdError(
      `Invalid job id ${JSON.stringify(id)}: must be non-empty, not an integer, without ':'`,
    );
  }
}
