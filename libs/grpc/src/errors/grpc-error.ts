import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';

import type { ErrorKind } from './error-kind';

/**
 * Trailer a service sends with the status of an `AppError`: its message was written for clients.
 * A status without it comes from grpc-js itself (a deadline, a lost connection), whose details
 * name addresses and timings that clients must not see.
 */
export const APP_ERROR_METADATA = 'x-app-error';

/** Trailer naming the input field an `AppError` refuses (its `field`). */
export const APP_ERROR_FIELD_METADATA = 'x-app-error-field';

/** The trailers of an `AppError` status. */
export function appErrorMetadata(kind: ErrorKind, field?: string): Metadata {
  const metadata = new Metadata();
  metadata.set(APP_ERROR_METADATA, kind);
  if (field !== undefined) metadata.set(APP_ERROR_FIELD_METADATA, field);
  return metadata;
}

/** Whether a service wrote the error's message for clients (see APP_ERROR_METADATA). */
export function isAppErrorStatus(error: Pick<StatusObject, 'metadata'>): boolean {
  return error.metadata instanceof Metadata && error.metadata.get(APP_ERROR_METADATA).length > 0;
}

/** The input field a service's `AppError` named, as it travelled in the trailers. */
export function appErrorFieldOf(error: ServiceError): string | undefined {
  if (!isAppErrorStatus(error)) return undefined;
  const [field] = error.metadata.get(APP_ERROR_FIELD_METADATA);
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** True for errors produced by @grpc/grpc-js calls (they carry a numeric status code). */
export function isGrpcServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    typeof (error as Partial<ServiceError>).details === 'string'
  );
}
