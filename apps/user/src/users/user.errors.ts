import { AppError } from '@app/grpc';

/** The user service's client-facing errors, with the reference's messages. */
export const UserErrors = {
  invalidTargetUser: () => AppError.invalid('Invalid target user.'),
} as const;
