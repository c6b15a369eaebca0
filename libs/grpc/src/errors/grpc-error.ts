import type { ServiceError } from '@grpc/grpc-js';

/** True for errors produced by @grpc/grpc-js calls (they carry a numeric status code). */
export function isGrpcServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    typeof (error as Partial<ServiceError>).details === 'string'
  );
}
