import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * What went wrong, independent of transport. Services throw `AppError` with a kind; the gRPC
 * filter turns the kind into a status code and the HTTP edge turns the status into an HTTP status.
 */
export enum ErrorKind {
  InvalidArgument = 'invalid_argument',
  Unauthenticated = 'unauthenticated',
  PermissionDenied = 'permission_denied',
  NotFound = 'not_found',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  StorageFailed = 'storage_failed',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Internal = 'internal',
}

interface ErrorMapping {
  grpc: GrpcStatus;
  http: number;
  /** Message sent when the error carries none of its own (the reference's texts). */
  defaultMessage: string;
}

/** The one table: domain error kind <-> gRPC status <-> HTTP status and default message. */
export const ERROR_TABLE: Readonly<Record<ErrorKind, ErrorMapping>> = {
  [ErrorKind.InvalidArgument]: {
    grpc: GrpcStatus.INVALID_ARGUMENT,
    http: 400,
    defaultMessage: 'Invalid request.',
  },
  [ErrorKind.Unauthenticated]: {
    grpc: GrpcStatus.UNAUTHENTICATED,
    http: 401,
    defaultMessage: 'User must be authorized.',
  },
  [ErrorKind.PermissionDenied]: {
    grpc: GrpcStatus.PERMISSION_DENIED,
    http: 403,
    defaultMessage: 'Permission denied.',
  },
  [ErrorKind.NotFound]: { grpc: GrpcStatus.NOT_FOUND, http: 404, defaultMessage: 'Not found.' },
  [ErrorKind.Conflict]: { grpc: GrpcStatus.ALREADY_EXISTS, http: 409, defaultMessage: 'Conflict.' },
  [ErrorKind.RateLimited]: {
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
    http: 429,
    defaultMessage: 'Too many requests.',
  },
  [ErrorKind.StorageFailed]: {
    grpc: GrpcStatus.DATA_LOSS,
    http: 507,
    defaultMessage: 'Server has something wrong.',
  },
  [ErrorKind.Unavailable]: {
    grpc: GrpcStatus.UNAVAILABLE,
    http: 503,
    defaultMessage: 'Service unavailable.',
  },
  [ErrorKind.Timeout]: {
    grpc: GrpcStatus.DEADLINE_EXCEEDED,
    http: 504,
    defaultMessage: 'Service timed out.',
  },
  [ErrorKind.Internal]: {
    grpc: GrpcStatus.INTERNAL,
    http: 500,
    defaultMessage: 'Internal server error.',
  },
};

const KIND_BY_GRPC_STATUS = new Map<GrpcStatus, ErrorKind>(
  (Object.entries(ERROR_TABLE) as [ErrorKind, ErrorMapping][]).map(([kind, mapping]) => [
    mapping.grpc,
    kind,
  ]),
);

/**
 * Status codes that no service sends on purpose; they mean the call itself failed. UNIMPLEMENTED
 * is a method a replica does not serve yet, an older build during a rolling deploy: unavailable
 * until the deploy is through, not a fault to report.
 */
const TRANSPORT_KINDS: ReadonlyMap<GrpcStatus, ErrorKind> = new Map([
  [GrpcStatus.CANCELLED, ErrorKind.Unavailable],
  [GrpcStatus.UNKNOWN, ErrorKind.Internal],
  [GrpcStatus.FAILED_PRECONDITION, ErrorKind.InvalidArgument],
  [GrpcStatus.ABORTED, ErrorKind.Conflict],
  [GrpcStatus.OUT_OF_RANGE, ErrorKind.InvalidArgument],
  [GrpcStatus.UNIMPLEMENTED, ErrorKind.Unavailable],
]);

export function errorKindFromGrpcStatus(code: GrpcStatus): ErrorKind {
  return KIND_BY_GRPC_STATUS.get(code) ?? TRANSPORT_KINDS.get(code) ?? ErrorKind.Internal;
}

export function grpcStatusOf(kind: ErrorKind): GrpcStatus {
  return ERROR_TABLE[kind].grpc;
}

export function httpStatusOf(kind: ErrorKind): number {
  return ERROR_TABLE[kind].http;
}
