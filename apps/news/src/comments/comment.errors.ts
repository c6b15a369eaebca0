import { AppError } from '@app/grpc';

/** The comment feature's client-facing errors, with the reference's messages. */
export const CommentErrors = {
  invalidType: () => AppError.invalid('Invalid type param.'),
  invalidSource: () => AppError.invalid('Invalid source param.'),
  invalidOffset: () => AppError.invalid('Invalid offset param.'),
  invalidLimit: () => AppError.invalid('Invalid limit param.'),
  emptyContent: () => AppError.invalid('Empty content.'),
  contentTooLong: () => AppError.invalid('Content is too long.'),
  articleDenied: () => AppError.invalid('Article denied comment.'),
  invalidTargetComment: () => AppError.invalid('Invalid target comment id.'),
  tooManyRequests: () => AppError.rateLimited('Too many requests.'),
} as const;
