import { Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';

import { toHttpError } from '../edge/http-exception.filter';
import { GrpcExceptionFilter } from '../server/grpc-exception.filter';
import { AppError } from './app-error';
import { ErrorKind } from './error-kind';
import { APP_ERROR_FIELD_METADATA, appErrorFieldOf, appErrorMetadata } from './grpc-error';

/** The error a gRPC client gets for a status sent with `metadata` as trailers. */
function received(code: GrpcStatus, details: string, metadata: Metadata): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

/** What the client gets for an error the service's filter sent. */
function overGrpc(error: AppError): ServiceError {
  const { code, message, metadata } = new GrpcExceptionFilter().toPayload(error);
  return received(code, message, metadata ?? new Metadata());
}

describe('the input field an AppError names', () => {
  it('travels in the trailers of its status and is read back from them', () => {
    const sent = overGrpc(AppError.invalid('Any text at all.', 'real_name'));
    expect(sent.metadata.get(APP_ERROR_FIELD_METADATA)).toEqual(['real_name']);
    expect(appErrorFieldOf(sent)).toBe('real_name');
    expect(appErrorFieldOf(overGrpc(AppError.invalid('Invalid page.')))).toBeUndefined();
  });

  it('keys the message by the field at the HTTP edge, whatever the message says', () => {
    const refused = AppError.invalid('Reworded: a name of one to seven characters.', 'name');
    const keyed = {
      status: 400,
      body: { message: { name: 'Reworded: a name of one to seven characters.' } },
    };
    expect(toHttpError(overGrpc(refused))).toEqual(keyed);
    expect(toHttpError(refused)).toEqual(keyed);
  });

  it('leaves an error that names no field as its bare message', () => {
    expect(toHttpError(overGrpc(AppError.invalid('Name must be 1 to 7 characters.')))).toEqual({
      status: 400,
      body: { message: 'Name must be 1 to 7 characters.' },
    });
    expect(toHttpError(overGrpc(AppError.conflict('User name has existed.')))).toEqual({
      status: 409,
      body: { message: 'User name has existed.' },
    });
  });

  it('counts only when a service sent it with its AppError', () => {
    const unmarked = new Metadata();
    unmarked.set(APP_ERROR_FIELD_METADATA, 'name');
    const error = received(GrpcStatus.INVALID_ARGUMENT, 'Invalid request.', unmarked);
    expect(appErrorFieldOf(error)).toBeUndefined();
    expect(toHttpError(error)).toEqual({ status: 400, body: { message: 'Invalid request.' } });
  });

  it('never keys a message the edge does not show', () => {
    const internal = received(
      GrpcStatus.INTERNAL,
      'TypeError at line 42',
      appErrorMetadata(ErrorKind.Internal, 'name'),
    );
    expect(toHttpError(internal)).toEqual({
      status: 500,
      body: { message: 'Internal server error.' },
    });
    const empty = received(
      GrpcStatus.INVALID_ARGUMENT,
      '',
      appErrorMetadata(ErrorKind.InvalidArgument, 'name'),
    );
    expect(toHttpError(empty)).toEqual({ status: 400, body: { message: 'Invalid request.' } });
  });
});
