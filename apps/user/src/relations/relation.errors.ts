import { AppError } from '@app/grpc';

/** The relation endpoints' client-facing errors, with the reference's messages. */
export const RelationErrors = {
  cannotFollowSelf: () => AppError.invalid('User cannot follow self.'),
  cannotBlacklistSelf: () => AppError.invalid('User cannot blacklist self.'),
  invalidTargetUser: () => AppError.invalid('Invalid target user.'),
  invalidPage: () => AppError.invalid('Invalid page.'),
  invalidPerPage: () => AppError.invalid('Invalid per_page.'),
} as const;
