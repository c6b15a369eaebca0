import { AppError } from '@app/grpc';

/** The reference's messages for reactions. */
export const ReactionErrors = {
  unauthenticated: () => AppError.unauthenticated('User must be authorized.'),
  invalidArticleId: () => AppError.invalid('Invalid target article id.'),
  articleNotFound: () => AppError.notFound('The article does not exist.'),
  invalidReportType: () => AppError.invalid('Invalid report type.'),
  invalidRemark: () => AppError.invalid('Invalid remark.'),
  invalidPage: () => AppError.invalid('Invalid request.'),
  alreadyReported: () => AppError.conflict('User has reported this article.'),
} as const;
