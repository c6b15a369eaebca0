import { JobName, JobProducer, jobId } from '@app/queue';
import { Injectable } from '@nestjs/common';

/**
 * Enqueues `refresh-candidate` jobs, so the recommend service's pools follow an article's
 * approval; whoever approves, edits, bans or deletes an article calls it after committing.
 */
@Injectable()
export class CandidatesProducer {
  constructor(private readonly jobs: JobProducer) {}

  /**
   * `version` identifies the change (e.g. the article's update time in ms): a redelivered request
   * enqueues once, while each later change gets a job of its own (completed ids are kept an hour).
   */
  enqueue(articleId: string, version: number | string = Date.now()): Promise<string> {
    return this.jobs.enqueue(
      JobName.RefreshCandidate,
      { articleId },
      { jobId: jobId(JobName.RefreshCandidate, articleId, version) },
    );
  }
}
