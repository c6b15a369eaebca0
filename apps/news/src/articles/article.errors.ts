import { AppError } from '@app/grpc';

/** The article feature's client-facing errors, with the reference's messages. */
export const ArticleErrors = {
  notFound: () => AppError.notFound('The article does not exist.'),
} as const;
