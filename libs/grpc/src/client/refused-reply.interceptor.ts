import { InterceptingCall, type Interceptor, status as GrpcStatus } from '@grpc/grpc-js';

import { isAppErrorStatus } from '../errors/grpc-error';

/**
 * A reply this client refused (over its message limit) ends the call INTERNAL, a fault of the
 * service's, where grpc-js ends it RESOURCE_EXHAUSTED with the same details as a request the
 * service refused. The reply had begun (its headers came) before its message was refused; a
 * refused request is answered by the status alone, or never leaves the client.
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
              replyBegun && status.code === GrpcStatus.RESOURCE_EXHAUSTED && !isAppErrorStatus(status);
            nextStatus(refusedReply ? { ...status, code: GrpcStatus.INTERNAL } : status);
          },
        }),
    });
  };
}
