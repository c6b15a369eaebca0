import { ERROR_TABLE, ErrorKind } from './error-kind';

/** A domain error whose message is safe to show to clients. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message?: string,
    /**
     * The input field the error refuses, named as the request names it; the HTTP edge then
     * answers `{"message":{"<field>":"<message>"}}`, the shape of its own validation errors.
     */
    readonly field?: string,
  ) {
    super(message ?? ERROR_TABLE[kind].defaultMessage);
    this.name = 'AppError';
  }

  static invalid(message: string, field?: string): AppError {
    return new AppError(ErrorKind.InvalidArgument, message, field);
  }

  static unauthenticated(message: string): AppError {
    return new AppError(ErrorKind.Unauthenticated, message);
  }

  static forbidden(message: string): AppError {
    return new AppError(ErrorKind.PermissionDenied, message);
  }

  static notFound(message: string): AppError {
    return new AppError(ErrorKind.NotFound, message);
  }

  static conflict(message: string): AppError {
    return new AppError(ErrorKind.Conflict, message);
  }

  static rateLimited(message = ERROR_TABLE[ErrorKind.RateLimited].defaultMessage): AppError {
    return new AppError(ErrorKind.RateLimited, message);
  }
}
