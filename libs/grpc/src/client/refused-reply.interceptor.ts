import { InterceptingCall, type Interceptor, Metadata, status as GrpcStatus } from '@grpc/grpc-js';

import { isAppErrorStatus, isGrpcServiceError } from '../errors/grpc-error';

/** Trailer this client adds to the status of a reply it refused (see refusedReplyInterceptor). */
export const REFUSED_REPLY_METADATA = 'x-refused-reply';

/**
 * Whether the call failed because its reply was over this client's message limit: a batch call
 * may ask again for fewer ids, each of which fits a reply alone.
 */
export function isRefusedReply(error: unknown): boolean {
  return (
    isGrpcServiceError(error) &&
    error.code === GrpcStatus.INTERNAL &&
    error.metadata instanceof Metadata &&
    error.metadata.get(REFUSED_REPLY_METADATA).length > 0
  );
}

/**
 * A reply this client refused (over its message limit) ends the call INTERNAL, a fault of the
 * service's, where grpc-js ends it RESOURCE_EXHAUSTED with the same details as a request the
 * service refused. The reply had begun (its headers came) before its message was refused; a
 * refused request is answered by the status alone, or never leaves the client. The status
 * carries REFUSED_REPLY_METADATA (see isRefusedReply).
 */
export function refusedReplyInterceptor(): Interceptor {
  return (options, nextCall) => {
    let replyBegun = false;
    return new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) =>
        next(metadata, {
          onReceiveMetadata: (headers, nextHeaders) => {
            replyBegun = true;
            nextHeaders(headers);
          },
          onReceiveStatus: (status, nextStatus) => {
            const refusedReply =
              replyBegun &&
              status.code === GrpcStatus.RESOURCE_EXHAUSTED &&
              !isAppErrorStatus(status);
            if (!refusedReply) return nextStatus(status);
            const metadata = status.metadata.clone();
            metadata.set(REFUSED_REPLY_METADATA, '1');
            nextStatus({ ...status, code: GrpcStatus.INTERNAL, metadata });
          },
        }),
    });
  };
}
