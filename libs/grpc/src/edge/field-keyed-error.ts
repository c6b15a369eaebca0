import { BadRequestException } from '@nestjs/common';

import { ErrorKind, grpcStatusOf } from '../errors/error-kind';
import { isAppErrorStatus, isGrpcServiceError } from '../errors/grpc-error';

/**
 * A service's invalid-argument error whose message is one of `messages` (field → the text an edge
 * DTO and the service share), keyed by that field as the edge's own validation answers it
 * (`{"message":{"<field>":"<text>"}}`); any other error as it is. For the rules only a service can
 * apply, such as one that depends on what is stored.
 */
export function fieldKeyedError(
  error: unknown,
  messages: Readonly<Record<string, string>>,
): unknown {
  if (
    !isGrpcServiceError(error) ||
    error.code !== grpcStatusOf(ErrorKind.InvalidArgument) ||
    !isAppErrorStatus(error)
  ) {
    return error;
  }
  const field = Object.keys(messages).find((key) => messages[key] === error.details);
  return field === undefined
    ? error
    : new BadRequestException({ message: { [field]: error.details } });
}
