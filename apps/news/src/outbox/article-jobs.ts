import { type IndexArticleReason, JobName, jobId } from '@app/queue';

import type { OutboxJob } from './job-outbox';

/**
 * The jobs an article change commits with (into the outbox): its search entry and its place in
 * the recommend service's candidate pools are brought in line with it. `version` tells changes
 * apart: one change makes one job of each, however often the outbox relays it.
 */
export function articleChangeJobs(
  articleId: string,
  reason: IndexArticleReason,
  version: string,
): OutboxJob[] {
  return [
    articleIndexJob(articleId, reason, version),
    {
      name: JobName.RefreshCandidate,
      payload: { articleId },
      jobId: jobId(JobName.RefreshCandidate, articleId, version),
    },
  ];
}

/** The job that brings the article's search entry in line with it. */
export function articleIndexJob(
  articleId: string,
  reason: IndexArticleReason,
  version: string,
): OutboxJob {
  return {
    name: JobName.IndexArticle,
    payload: { articleId, reason },
    jobId: jobId(JobName.IndexArticle, articleId, reason, version),
  };
}
