import { status as GrpcStatus } from '@grpc/grpc-js';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

import { AppError } from '../errors/app-error';
import { ERROR_TABLE, ErrorKind, grpcStatusOf } from '../errors/error-kind';

interface GrpcErrorPayload {
  code: GrpcStatus;
  message: string;
}

/**
 * Turns every error thrown by a gRPC handler into a real status code: `AppError` by its kind,
 * anything else into INTERNAL with a generic message (the stack is logged, never sent).
 */
@Catch()
export class GrpcExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): GrpcErrorPayload {
    if (exception instanceof AppError) {
      return { code: grpcStatusOf(exception.kind), message: exception.message };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { code: GrpcStatus.INTERNAL, message: ERROR_TABLE[ErrorKind.Internal].defaultMessage };
  }
}
