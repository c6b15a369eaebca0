import type { candidateV1 } from '@app/contracts';
import { CANDIDATE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import {
  JobName,
  jobPayload,
  JobProcessor,
  QueueName,
  type RefreshCandidatePayload,
} from '@app/queue';
import { isSnowflakeId } from '@app/snowflake';
import { WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

export interface RefreshCandidateResult {
  /** False when the article is not approved (any more) and left the pools. */
  candidate: boolean;
}

/**
 * Keeps the recommend service's candidate pools in line with articles as news changes them. The
 * recommend service owns the pools, so the job only asks it (RefreshCandidate over gRPC) to
 * re-read the article; a failed call (recommend down, deadline) throws and BullMQ retries with
 * backoff. Re-reading makes late or repeated jobs harmless, and recommend orders two jobs of one
 * article at once (two workers, an old retry) by when they began reading: one that comes too late
 * is answered as done, not failed, and writes nothing.
 */
@JobProcessor(QueueName.Candidates, [JobName.RefreshCandidate])
export class CandidatesProcessor extends WorkerHost {
  constructor(
    @InjectGrpcClient(CANDIDATE_GRPC)
    private readonly candidates: candidateV1.CandidateServiceClient,
  ) {
    super();
  }

  async process(job: Pick<Job<unknown>, 'id' | 'name' | 'data'>): Promise<RefreshCandidateResult> {
    const { articleId } = jobPayload(job, JobName.RefreshCandidate, isRefreshCandidatePayload);
    const { candidate } = await unary(this.candidates.refreshCandidate({ articleId }));
    return { candidate };
  }
}

function isRefreshCandidatePayload(value: unknown): value is RefreshCandidatePayload {
  if (typeof value !== 'object' || value === null) return false;
  const { articleId } = value as Partial<Record<keyof RefreshCandidatePayload, unknown>>;
  return isSnowflakeId(articleId);
}
