import { AppError, ErrorKind } from '@app/grpc';

/** Why a token was refused, with the reference's messages. */
export const TokenErrors = {
  missing: () => AppError.unauthenticated('User must be authorized.'),
  invalid: () => AppError.unauthenticated('Token has some errors.'),
  refreshUsedAsAccess: () => AppError.forbidden('Do not use refresh token.'),
  wrongRefreshToken: () => AppError.forbidden('Wrong refresh token.'),
  userDenied: () => AppError.forbidden('User denied.'),
  notVerified: () => AppError.forbidden('User must be real info verified.'),
} as const;

/**
 * The refusal of a route that requires sign-in. The reference's middleware drops a token that
 * signs no one in (malformed, forged, expired; here also one of an ended session), so such a
 * route answers as for no token; only the routes where sign-in is optional say
 * `Token has some errors.`. Any other refusal (a refresh token, a denied user) stands.
 */
export function signInRequiredRefusal(error: unknown): unknown {
  return error instanceof AppError && error.kind === ErrorKind.Unauthenticated
    ? TokenErrors.missing()
    : error;
}
