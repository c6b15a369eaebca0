import { AppError } from '@app/grpc';

/** The relation endpoints' client-facing errors, with the reference's messages. */
export const RelationErrors = {
  cannotFollowSelf: () => AppError.invalid('User cannot follow self.'),
  cannotBlacklistSelf: () => AppError.invalid('User cannot blacklist self.'),
  invalidTargetUser: () => AppError.invalid('Invalid target user.'),
  /** A follow or blacklist `{target}` that is no user: the reference's parser refused it keyed. */
  invalidTargetUserId: () => AppError.invalid('Invalid target user id.', 'target'),
  invalidPage: () => AppError.invalid('Invalid page.'),
  invalidPerPage: () => AppError.invalid('Invalid per_page.'),
} as const;
