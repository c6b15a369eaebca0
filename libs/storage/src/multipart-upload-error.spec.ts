import { BadRequestException, HttpException } from '@nestjs/common';

import { multipartUploadError } from './multipart-upload-error';

const answer = (error: unknown) => {
  const mapped = multipartUploadError(error, 'photo', 1024);
  return mapped instanceof HttpException ? [mapped.getStatus(), mapped.getResponse()] : mapped;
};

describe('multipartUploadError', () => {
  it('keys a file over the limit by its field', () => {
    expect(
      answer(
        Object.assign(new Error('too large'), { code: 'FST_REQ_FILE_TOO_LARGE', statusCode: 413 }),
      ),
    ).toEqual([400, { message: { photo: 'Image is too large (at most 1024 bytes).' } }]);
  });

  it("keeps the plugin's other 4xx", () => {
    expect(answer(Object.assign(new Error('Too many files'), { statusCode: 413 }))).toEqual([
      413,
      'Too many files',
    ]);
  });

  it("answers the parser's own errors, which carry no status, as a malformed body", () => {
    expect(answer(new Error('Unexpected end of form'))).toEqual([
      400,
      { message: 'Malformed multipart body.' },
    ]);
    expect(multipartUploadError(new Error('x'), 'photo', 1)).toBeInstanceOf(BadRequestException);
  });

  it('leaves any other error as it is', () => {
    const failure = Object.assign(new Error('disk full'), { statusCode: 500 });
    expect(multipartUploadError(failure, 'photo', 1024)).toBe(failure);
  });
});
