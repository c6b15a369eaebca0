import {
  ERROR_TABLE,
  ErrorKind,
  errorKindFromGrpcStatus,
  isGrpcServiceError,
  isStoreUnavailable,
} from '@app/grpc';
import { type sendUnaryData, status } from '@grpc/grpc-js';
import type { Logger } from '@nestjs/common';

import { CandidatesNotReadyError, FeedContendedError } from '../feed/user-recommend.service';

/** How an unexpected failure is answered: its status and the generic text that leaves the service. */
export interface UnexpectedFailure {
  code: status;
  details: string;
}

export const INTERNAL_ERROR: UnexpectedFailure = {
  code: status.INTERNAL,
  details: 'Internal error.',
};

/**
 * Answers a unary call with what `run` resolves to. Pools that were never built answer
 * UNAVAILABLE (callers fall back or retry), as does a store that is down (the state Redis) or
 * news unreachable; news too slow answers DEADLINE_EXCEEDED. A reader's other requests that kept
 * recording first answer ABORTED (retry); any other failure answers `unexpected`, with the cause
 * in the log only.
 */
export async function answerUnary<T>(
  logger: Logger,
  method: string,
  callback: sendUnaryData<T>,
  run: () => Promise<T>,
  unexpected: UnexpectedFailure = INTERNAL_ERROR,
): Promise<void> {
  try {
    callback(null, await run());
  } catch (error) {
    if (error instanceof CandidatesNotReadyError) {
      callback({ code: status.UNAVAILABLE, details: error.message });
      return;
    }
    if (error instanceof FeedContendedError) {
      callback({ code: status.ABORTED, details: error.message });
      return;
    }
    const outage = outageOf(error);
    if (outage) {
      logger.warn(`${method} failed: ${error instanceof Error ? error.message : String(error)}`);
      callback({ code: ERROR_TABLE[outage].grpc, details: ERROR_TABLE[outage].defaultMessage });
      return;
    }
    logger.error(`${method} failed`, error instanceof Error ? error.stack : String(error));
    callback(unexpected);
  }
}

/** A store or service this one depends on that is down or too slow; undefined for a fault. */
function outageOf(error: unknown): ErrorKind.Unavailable | ErrorKind.Timeout | undefined {
  if (isStoreUnavailable(error)) return ErrorKind.Unavailable;
  if (!isGrpcServiceError(error)) return undefined;
  const kind = errorKindFromGrpcStatus(error.code);
  return kind === ErrorKind.Unavailable || kind === ErrorKind.Timeout ? kind : undefined;
}
