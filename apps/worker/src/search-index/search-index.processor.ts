import type { searchV1 } from '@app/contracts';
import { InjectGrpcClient, SEARCH_GRPC, unary } from '@app/grpc';
import {
  type IndexArticlePayload,
  type IndexArticleReason,
  JOB_QUEUE,
  JobName,
  jobPayload,
  JobProcessor,
  QueueName,
} from '@app/queue';
import { isSnowflakeId } from '@app/snowflake';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';

const REASONS: ReadonlySet<string> = new Set<IndexArticleReason>(['approve', 'edit', 'delete']);

/** What an unknown reason is handled as: the job re-reads the article whatever its reason. */
const FALLBACK_REASON: IndexArticleReason = 'edit';

/** How much of an unknown reason its warning quotes. */
const QUOTED_REASON_LENGTH = 64;

export interface IndexArticleResult {
  /** False when the article is not approved (any more) and its entry was removed. */
  indexed: boolean;
}

/**
 * Keeps the search index in line with articles. The news service owns the index, so the job
 * only asks it (IndexArticle over gRPC) to re-read the article; a failed call (news down,
 * deadline) throws and BullMQ retries with backoff. Re-reading makes late or repeated jobs harmless.
 * A reason this release does not know (a later release's, met in a rolling deploy) is handled as
 * an edit, with a warning.
 */
@JobProcessor(QueueName.SearchIndex, [JobName.IndexArticle])
export class SearchIndexProcessor extends WorkerHost {
  private readonly logger = new Logger(SearchIndexProcessor.name);

  constructor(
    @InjectGrpcClient(SEARCH_GRPC) private readonly search: searchV1.SearchServiceClient,
  ) {
    super();
  }

  async process(job: Pick<Job<unknown>, 'id' | 'name' | 'data'>): Promise<IndexArticleResult> {
    const { articleId, reason } = jobPayload(job, JobName.IndexArticle, isIndexArticlePayload);
    if (!REASONS.has(reason))
      this.logger.warn(
        `job ${job.id ?? '?'} (${JOB_QUEUE[JobName.IndexArticle]}/${job.name}): unknown reason ${JSON.stringify(reason.slice(0, QUOTED_REASON_LENGTH))}, handled as "${FALLBACK_REASON}" (the article re-read and indexed or removed by its current state)`,
      );
    const { indexed } = await unary(this.search.indexArticle({ articleId }));
    return { indexed };
  }
}

function isIndexArticlePayload(value: unknown): value is IndexArticlePayload {
  if (typeof value !== 'object' || value === null) return false;
  const { articleId, reason } = value as Partial<Record<keyof IndexArticlePayload, unknown>>;
  return isSnowflakeId(articleId) && typeof reason === 'string' && reason !== '';
}
