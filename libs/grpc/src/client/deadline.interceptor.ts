import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';

/** Gives every outgoing call a deadline unless the caller already set one. */
export function deadlineInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(
      nextCall({ ...options, deadline: options.deadline ?? Date.now() + deadlineMs }),
    );
}
