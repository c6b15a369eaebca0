import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { errorCodes, type FastifyReply } from 'fastify';

import { AppError } from '../errors/app-error';
import {
  ERROR_TABLE,
  ErrorKind,
  errorKindFromGrpcStatus,
  httpStatusOf,
} from '../errors/error-kind';
import { appErrorFieldOf, isAppErrorStatus, isGrpcServiceError } from '../errors/grpc-error';
import { isStoreUnavailable } from '../errors/store-unavailable';

export interface HttpErrorBody {
  message: string | Record<string, string>;
}

/**
 * The answer to a request too large for a gRPC message (GRPC_MAX_MESSAGE_BYTES): Fastify's to a
 * body over the app's limit.
 */
const REQUEST_TOO_LARGE = {
  status: 413,
  body: { message: new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE().message },
};

/**
 * Refusals grpc-js reports in statuses of the caller's own: an HTTP 401 or 403 of a proxy between
 * the apps, an HTTP/2 connection not secure enough. Nothing the caller can mend (a 401 signs the
 * app out): a fault of ours, unless a service sent the status.
 */
const TRANSPORT_REFUSALS: ReadonlySet<GrpcStatus> = new Set([
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.PERMISSION_DENIED,
]);

/** The HTTP status and body for any error that reaches an HTTP edge. */
export function toHttpError(exception: unknown): { status: number; body: HttpErrorBody } {
  if (exception instanceof AppError) {
    return {
      status: httpStatusOf(exception.kind),
      body: errorBody(exception.message, exception.field),
    };
  }
  if (isGrpcServiceError(exception)) {
    const serviceSent = isAppErrorStatus(exception);
    // RESOURCE_EXHAUSTED no service sent is grpc-js refusing the request's message (a reply it
    // refused ends INTERNAL, see refusedReplyInterceptor), not a rate limit to wait out.
    if (exception.code === GrpcStatus.RESOURCE_EXHAUSTED && !serviceSent) return REQUEST_TOO_LARGE;
    const kind =
      TRANSPORT_REFUSALS.has(exception.code) && !serviceSent
        ? ErrorKind.Internal
        : errorKindFromGrpcStatus(exception.code);
    const status = httpStatusOf(kind);
    // A server error's details are shown only when a service wrote them for clients.
    const shown = kind !== ErrorKind.Internal && (status < 500 || serviceSent);
    if (!shown || !exception.details)
      return { status, body: { message: ERROR_TABLE[kind].defaultMessage } };
    return { status, body: errorBody(exception.details, appErrorFieldOf(exception)) };
  }
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? response.message
        : exception.message;
    return {
      status: exception.getStatus(),
      body: {
        message:
          typeof message === 'string' || isStringRecord(message) ? message : exception.message,
      },
    };
  }
  if (isShownClientError(exception))
    return { status: exception.status, body: { message: exception.message } };
  const kind = isStoreUnavailable(exception) ? ErrorKind.Unavailable : ErrorKind.Internal;
  return { status: httpStatusOf(kind), body: { message: ERROR_TABLE[kind].defaultMessage } };
}

/** A message, keyed by the input field it refuses when the error names one. */
function errorBody(message: string, field: string | undefined): HttpErrorBody {
  return { message: field === undefined ? message : { [field]: message } };
}

/**
 * A refusal of the request made by a library the http-errors way, its message for the client
 * (`expose`): @fastify/send's 412 and 416 for a stored image's precondition or range.
 */
function isShownClientError(exception: unknown): exception is Error & { status: number } {
  return (
    exception instanceof Error &&
    'expose' in exception &&
    exception.expose === true &&
    'status' in exception &&
    typeof exception.status === 'number' &&
    exception.status >= 400 &&
    exception.status < 500
  );
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/** Answers every error as `{"message": …}` with the reference's status; unknown errors are logged. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toHttpError(exception);
    if (status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    void host.switchToHttp().getResponse<FastifyReply>().status(status).send(body);
  }
}
