import { AppError } from '@app/grpc';

/** Errors of comment management by authors, with the reference's messages where it has them. */
export const CommentModerationErrors = {
  invalidArticleStatus: () => AppError.invalid('Invalid article status.'),
  articleDenied: () => AppError.forbidden('Article denied comment.'),
  noPermission: () => AppError.forbidden('User has no permission to delete this comment.'),
  missingArticleId: () => AppError.invalid('Invalid article id.'),
} as const;
