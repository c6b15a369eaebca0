import { AppError } from '@app/grpc';
import { BadRequestException } from '@nestjs/common';

/** The article endpoints' client-facing errors, with the reference's messages. */
export const ArticleErrors = {
  notFound: () => AppError.notFound('The article does not exist.'),
  invalidRequest: () => AppError.invalid('Invalid request.'),
  /** Request-parser errors keep the reference's `{"message":{"<field>":"<error>"}}` shape. */
  invalidField: (field: string, message: string) =>
    new BadRequestException({ message: { [field]: message } }),
} as const;
