import { BadRequestException, HttpException } from '@nestjs/common';

import { imageTooLargeMessage } from './image-upload';

const MALFORMED_MULTIPART = 'Malformed multipart body.';

/**
 * The answer to an error met while reading a multipart upload (`request.parts()`): a file over
 * `maxBytes` is 400 keyed by its `field`; the plugin's other limits and refusals keep their 4xx;
 * the parser's own errors (no boundary, a body cut short, a bad part header) carry no status and
 * are 400 `Malformed multipart body.`; anything else is the error itself.
 */
export function multipartUploadError(error: unknown, field: string, maxBytes: number): unknown {
  const { code, statusCode, message } = (error ?? {}) as {
    code?: string;
    statusCode?: number;
    message?: string;
  };
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new BadRequestException({ message: { [field]: imageTooLargeMessage(maxBytes) } });
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new HttpException(message ?? 'Invalid request.', statusCode);
  }
  if (statusCode === undefined) return new BadRequestException({ message: MALFORMED_MULTIPART });
  return error;
}
