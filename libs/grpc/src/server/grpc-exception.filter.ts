import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

import { AppError } from '../errors/app-error';
import { ERROR_TABLE, ErrorKind, grpcStatusOf } from '../errors/error-kind';
import { appErrorMetadata } from '../errors/grpc-error';
import { isStoreUnavailable } from '../errors/store-unavailable';

interface GrpcErrorPayload {
  code: GrpcStatus;
  message: string;
  /** Sent as trailers; marks an `AppError`'s message as meant for clients, and names its field. */
  metadata?: Metadata;
}

/**
 * Turns every error thrown by a gRPC handler into a real status code: `AppError` by its kind, a
 * store that is down into UNAVAILABLE, anything else into INTERNAL with a generic message (the
 * stack is logged, never sent).
 */
@Catch()
export class GrpcExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): GrpcErrorPayload {
    if (exception instanceof AppError) {
      return {
        code: grpcStatusOf(exception.kind),
        message: exception.message,
        metadata: appErrorMetadata(exception.kind, exception.field),
      };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const kind = isStoreUnavailable(exception) ? ErrorKind.Unavailable : ErrorKind.Internal;
    return { code: grpcStatusOf(kind), message: ERROR_TABLE[kind].defaultMessage };
  }
}
