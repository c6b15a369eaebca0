import { AppError } from '@app/grpc';

/** The authoring feature's client-facing errors, with the reference's messages where it has one. */
export const AuthoringErrors = {
  invalidCover: () => AppError.invalid('Invalid cover param.'),
  invalidChannel: () => AppError.invalid('Invalid channel id param.'),
  invalidTitle: () => AppError.invalid('Invalid title param.'),
  invalidContent: () => AppError.invalid('Invalid content param.'),
  invalidArticle: () => AppError.invalid('Invalid article.'),
  invalidStatus: () => AppError.invalid('Invalid article status.'),
  notFound: () => AppError.notFound('The article does not exist.'),
} as const;
