import { AppError, ErrorKind } from '@app/grpc';

/**
 * The authoring feature's client-facing errors, with the reference's messages where it has one.
 * A refused article field is named as the media platform's body names it: the reference's parser
 * answered those keyed by the field, `{"message":{"cover":"Invalid cover param."}}`.
 */
export const AuthoringErrors = {
  invalidCover: () => AppError.invalid('Invalid cover param.', 'cover'),
  /** Channel 0 (推荐, the feed's), which the reference's article parser refused itself. */
  feedChannel: () => AppError.invalid('Invalid channel id param.', 'channel_id'),
  /** Any other id that names no visible channel, refused by the reference's channel parser. */
  invalidChannel: () => AppError.invalid('Invalid channel id.', 'channel_id'),
  invalidTitle: () => AppError.invalid('Invalid title param.', 'title'),
  invalidContent: () => AppError.invalid('Invalid content param.', 'content'),
  /** Sanitised content no reply of the article could carry (ARTICLE_CONTENT_MAX_BYTES). */
  contentTooLong: () => AppError.invalid('content is too long', 'content'),
  invalidArticle: () => AppError.invalid('Invalid article.'),
  invalidStatus: () => AppError.invalid('Invalid article status.'),
  notFound: () => AppError.notFound('The article does not exist.'),
  /** Long articles already wait for every HTML worker: the author may send it again shortly. */
  busy: () => new AppError(ErrorKind.Unavailable),
  /** An author's search read past the caller's deadline, which has answered them already. */
  searchTimedOut: () => new AppError(ErrorKind.Timeout),
} as const;
