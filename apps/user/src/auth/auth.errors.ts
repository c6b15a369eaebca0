import { AppError } from '@app/grpc';

/** Sign-in refusals with the reference's messages. */
export const AuthErrors = {
  invalidMobile: () => AppError.invalid('Invalid mobile.'),
  invalidCode: () => AppError.invalid('Invalid code.'),
  invalidUser: () => AppError.forbidden('Invalid user.'),
  notMedia: () => AppError.forbidden('Please verify your real information in app.'),
  wrongRefreshToken: () => AppError.forbidden('Wrong refresh token.'),
  userDenied: () => AppError.forbidden('User denied.'),
  tooManyRequests: () => AppError.rateLimited('Too many requests.'),
} as const;
