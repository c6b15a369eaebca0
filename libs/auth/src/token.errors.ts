import { AppError } from '@app/grpc';

/** Why a token was refused, with the reference's messages. */
export const TokenErrors = {
  missing: () => AppError.unauthenticated('User must be authorized.'),
  invalid: () => AppError.unauthenticated('Token has some errors.'),
  refreshUsedAsAccess: () => AppError.forbidden('Do not use refresh token.'),
  wrongRefreshToken: () => AppError.forbidden('Wrong refresh token.'),
  userDenied: () => AppError.forbidden('User denied.'),
  notVerified: () => AppError.forbidden('User must be real info verified.'),
} as const;
