import type { candidateV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import {
  type sendUnaryData,
  type ServerUnaryCall,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';

import { CandidateUpdater } from '../candidates/candidate-updater';
import { answerUnary } from './answer-unary';

type RefreshCall = ServerUnaryCall<
  candidateV1.RefreshCandidateRequest,
  candidateV1.RefreshCandidateResponse
>;

/** `toutiao.recommend.v1.CandidateService` over the updater. */
@Injectable()
export class CandidateHandlers {
  private readonly logger = new Logger(CandidateHandlers.name);

  constructor(private readonly updater: CandidateUpdater) {}

  implementation(): UntypedServiceImplementation {
    return {
      RefreshCandidate: (
        call: RefreshCall,
        callback: sendUnaryData<candidateV1.RefreshCandidateResponse>,
      ) => void this.refresh(call.request, callback),
    };
  }

  private async refresh(
    request: candidateV1.RefreshCandidateRequest,
    callback: sendUnaryData<candidateV1.RefreshCandidateResponse>,
  ): Promise<void> {
    if (!SNOWFLAKE_ID.test(request.articleId)) {
      callback({ code: status.INVALID_ARGUMENT, details: 'Invalid article id.' });
      return;
    }
    // The caller (the worker's job) retries on any failure: say so rather than INTERNAL.
    await answerUnary(
      this.logger,
      `RefreshCandidate ${request.articleId}`,
      callback,
      async () => ({ candidate: await this.updater.refresh(request.articleId) }),
      { code: status.UNAVAILABLE, details: 'The article could not be refreshed now.' },
    );
  }
}
