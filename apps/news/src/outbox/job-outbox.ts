import type { JobName, JobPayloads } from '@app/queue';
import type { EntityManager } from 'typeorm';

import { JobOutboxEntity } from './job-outbox.entity';

/** A job as `JobProducer.enqueue` takes it, kept in the outbox until it is enqueued. */
export type OutboxJob = {
  [N in JobName]: { name: N; payload: JobPayloads[N]; jobId: string };
}[JobName];

/** Writes `jobs` in `manager`'s transaction: they are committed, or rolled back, with the change. */
export async function writeOutboxJobs(
  manager: EntityManager,
  jobs: readonly OutboxJob[],
): Promise<void> {
  if (jobs.length === 0) return;
  await manager.insert(
    JobOutboxEntity,
    jobs.map((job) => ({
      jobName: job.name,
      jobId: job.jobId,
      payload: JSON.stringify(job.payload),
    })),
  );
}
