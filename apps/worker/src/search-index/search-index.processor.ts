import type { searchV1 } from '@app/contracts';
import { InjectGrpcClient, SEARCH_GRPC, unary } from '@app/grpc';
import { type IndexArticlePayload, JobName, jobPayload, JobProcessor, QueueName } from '@app/queue';
import { isSnowflakeId } from '@app/snowflake';
import { WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

const REASONS: ReadonlySet<unknown> = new Set<IndexArticlePayload['reason']>([
  'approve',
  'edit',
  'delete',
]);

export interface IndexArticleResult {
  /** False when the article is not approved (any more) and its entry was removed. */
  indexed: boolean;
}

/**
 * Keeps the search index in line with articles. The news service owns the index, so the job
 * only asks it (IndexArticle over gRPC) to re-read the article; a failed call (news down,
 * deadline) throws and BullMQ retries with backoff. Re-reading makes late or repeated jobs harmless.
 */
@JobProcessor(QueueName.SearchIndex, [JobName.IndexArticle])
export class SearchIndexProcessor extends WorkerHost {
  constructor(
    @InjectGrpcClient(SEARCH_GRPC) private readonly search: searchV1.SearchServiceClient,
  ) {
    super();
  }

  async process(job: Pick<Job<unknown>, 'id' | 'name' | 'data'>): Promise<IndexArticleResult> {
    const { articleId } = jobPayload(job, JobName.IndexArticle, isIndexArticlePayload);
    const { indexed } = await unary(this.search.indexArticle({ articleId }));
    return { indexed };
  }
}

function isIndexArticlePayload(value: unknown): value is IndexArticlePayload {
  if (typeof value !== 'object' || value === null) return false;
  const { articleId, reason } = value as Partial<Record<keyof IndexArticlePayload, unknown>>;
  return isSnowflakeId(articleId) && REASONS.has(reason);
}
