import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { BadRequestException, NotFoundException } from '@nestjs/common';

import { toHttpError } from '../edge/http-exception.filter';
import { AppError } from './app-error';
import { appErrorMetadata } from './grpc-error';
import {
  ERROR_TABLE,
  ErrorKind,
  errorKindFromGrpcStatus,
  grpcStatusOf,
  httpStatusOf,
} from './error-kind';

function grpcError(code: GrpcStatus, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

describe('error table', () => {
  it('maps every kind to a distinct gRPC status that maps back to it', () => {
    const kinds = Object.values(ErrorKind);
    const statuses = kinds.map(grpcStatusOf);
    expect(new Set(statuses).size).toBe(kinds.length);
    for (const kind of kinds) expect(errorKindFromGrpcStatus(grpcStatusOf(kind))).toBe(kind);
  });

  it('uses the reference HTTP statuses', () => {
    expect(httpStatusOf(ErrorKind.InvalidArgument)).toBe(400);
    expect(httpStatusOf(ErrorKind.Unauthenticated)).toBe(401);
    expect(httpStatusOf(ErrorKind.PermissionDenied)).toBe(403);
    expect(httpStatusOf(ErrorKind.NotFound)).toBe(404);
    expect(httpStatusOf(ErrorKind.Conflict)).toBe(409);
    expect(httpStatusOf(ErrorKind.RateLimited)).toBe(429);
    expect(httpStatusOf(ErrorKind.StorageFailed)).toBe(507);
    expect(ERROR_TABLE[ErrorKind.RateLimited].defaultMessage).toBe('Too many requests.');
  });

  it('treats statuses no service sends on purpose as transport failures', () => {
    expect(errorKindFromGrpcStatus(GrpcStatus.UNKNOWN)).toBe(ErrorKind.Internal);
    expect(errorKindFromGrpcStatus(GrpcStatus.CANCELLED)).toBe(ErrorKind.Unavailable);
    expect(errorKindFromGrpcStatus(GrpcStatus.UNIMPLEMENTED)).toBe(ErrorKind.Unavailable);
  });
});

describe('toHttpError', () => {
  it('answers a domain error with its status and message', () => {
    expect(toHttpError(AppError.conflict('User name has existed.'))).toEqual({
      status: 409,
      body: { message: 'User name has existed.' },
    });
  });

  it('answers a gRPC error with the mapped status and the service message', () => {
    expect(toHttpError(grpcError(GrpcStatus.NOT_FOUND, 'The article does not exist.'))).toEqual({
      status: 404,
      body: { message: 'The article does not exist.' },
    });
    expect(toHttpError(grpcError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded')).status).toBe(
      504,
    );
  });

  it("shows a server error's details only when a service marked them as its message", () => {
    const refused = grpcError(
      GrpcStatus.UNAVAILABLE,
      'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:50051',
    );
    expect(toHttpError(refused)).toEqual({
      status: 503,
      body: { message: 'Service unavailable.' },
    });
    const marked = Object.assign(
      grpcError(GrpcStatus.UNAVAILABLE, 'The comments could not be listed now.'),
      {
        metadata: appErrorMetadata(ErrorKind.Unavailable),
      },
    );
    expect(toHttpError(marked)).toEqual({
      status: 503,
      body: { message: 'The comments could not be listed now.' },
    });
  });

  it('never leaks the details of internal gRPC failures', () => {
    expect(toHttpError(grpcError(GrpcStatus.INTERNAL, 'TypeError at line 42'))).toEqual({
      status: 500,
      body: { message: 'Internal server error.' },
    });
  });

  it('keeps validation messages as a field map and hides unknown errors', () => {
    expect(
      toHttpError(new BadRequestException({ message: { mobile: 'Invalid mobile.' } })),
    ).toEqual({
      status: 400,
      body: { message: { mobile: 'Invalid mobile.' } },
    });
    expect(toHttpError(new NotFoundException()).status).toBe(404);
    expect(toHttpError(new Error('secret stack'))).toEqual({
      status: 500,
      body: { message: 'Internal server error.' },
    });
  });
});
