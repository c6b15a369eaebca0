import { Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';

import { ErrorKind } from '../errors/error-kind';
import { appErrorMetadata } from '../errors/grpc-error';
import { fieldKeyedError } from './field-keyed-error';
import { toHttpError } from './http-exception.filter';

const MESSAGES = {
  name: 'Name must be 1 to 7 characters.',
  intro: 'Intro must be at most 60 characters.',
};

function serviceError(
  code: GrpcStatus,
  details: string,
  metadata = appErrorMetadata(ErrorKind.InvalidArgument),
): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

describe('fieldKeyedError', () => {
  it("answers a service's invalid field as the edge's validation does, keyed by the field", () => {
    const keyed = fieldKeyedError(
      serviceError(GrpcStatus.INVALID_ARGUMENT, MESSAGES.name),
      MESSAGES,
    );
    expect(toHttpError(keyed)).toEqual({ status: 400, body: { message: { name: MESSAGES.name } } });
  });

  it('leaves every other error as it is', () => {
    const others = [
      serviceError(GrpcStatus.INVALID_ARGUMENT, 'Invalid gender.'),
      serviceError(GrpcStatus.ALREADY_EXISTS, MESSAGES.name, appErrorMetadata(ErrorKind.Conflict)),
      // Not written by a service for clients (no AppError trailer).
      serviceError(GrpcStatus.INVALID_ARGUMENT, MESSAGES.name, new Metadata()),
      new Error(MESSAGES.name),
    ];
    for (const error of others) expect(fieldKeyedError(error, MESSAGES)).toBe(error);
  });
});
