import { AppError } from '@app/grpc';

/** The image library's client-facing errors. */
export const MaterialErrors = {
  // One answer for missing, deleted and other authors' images: ids of others are never confirmed.
  imageNotFound: () => AppError.notFound('The image does not exist.'),
  invalidImage: () => AppError.invalid('Invalid image.'),
  invalidPage: () => AppError.invalid('Invalid page.'),
  invalidPerPage: () => AppError.invalid('Invalid per_page.'),
  invalidUser: () => AppError.invalid('Invalid user.'),
} as const;
