import { type IndexArticleReason, JobName, JobProducer, jobId } from '@app/queue';
import { Injectable } from '@nestjs/common';

/** Enqueues `index-article` jobs; whoever approves, edits or deletes an article calls it after committing. */
@Injectable()
export class SearchIndexProducer {
  constructor(private readonly jobs: JobProducer) {}

  /**
   * `version` identifies the change (e.g. the article's update time in ms): a redelivered request
   * enqueues once, while each later change gets a job of its own (completed ids are kept an hour).
   */
  enqueue(
    articleId: string,
    reason: IndexArticleReason,
    version: number | string = Date.now(),
  ): Promise<string> {
    return this.jobs.enqueue(
      JobName.IndexArticle,
      { articleId, reason },
      { jobId: jobId(JobName.IndexArticle, articleId, reason, version) },
    );
  }
}
