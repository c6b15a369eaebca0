import { createHash } from 'node:crypto';

import type { MultipartFile } from '@fastify/multipart';
import { AppError, ErrorKind } from '@app/grpc';
import {
  type CheckedImage,
  ImageStorage,
  multipartUploadError,
  INVALID_IMAGE_MESSAGE,
  type StoredImage,
} from '@app/storage';
import { BadRequestException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A stored upload and the content hash that dedupes it. */
export interface UploadedImage extends StoredImage {
  hash: string;
}

/**
 * Reads one image field of a multipart request and stores it through the storage lib. A missing,
 * oversized or non-image file answers 400 `{"message":{"<field>":…}}`; a failing driver 507.
 */
@Injectable()
export class MultipartImageReader {
  constructor(private readonly storage: ImageStorage) {}

  async storeField(
    request: FastifyRequest,
    field: string,
    failureMessage: string,
  ): Promise<UploadedImage> {
    return this.store(await this.checkField(request, field), failureMessage);
  }

  /** The image of `field`, checked and not stored yet (400 keyed by field when it is no image). */
  async checkField(request: FastifyRequest, field: string): Promise<CheckedImage> {
    const bytes = await this.readField(request, field);
    if (!bytes) throw this.invalid(field, INVALID_IMAGE_MESSAGE);
    try {
      return this.storage.check(bytes);
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.InvalidArgument)
        throw this.invalid(field, error.message);
      throw error;
    }
  }

  /** Stores a checked image; a failing driver answers 507 with `failureMessage`. */
  async store(image: CheckedImage, failureMessage: string): Promise<UploadedImage> {
    const stored = await this.storage.put(image, failureMessage);
    return { ...stored, hash: createHash('sha256').update(image.bytes).digest('hex') };
  }

  /** The first file of `field`; other parts are drained so the request completes. */
  private async readField(request: FastifyRequest, field: string): Promise<Buffer | undefined> {
    if (!request.isMultipart()) return undefined;
    let found: Buffer | undefined;
    let current: MultipartFile | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        current = part;
        if (part.fieldname === field && !found) found = await part.toBuffer();
        else part.file.resume();
      }
    } catch (error) {
      throw multipartUploadError(error, current?.fieldname ?? field, this.storage.maxBytes);
    }
    return found;
  }

  private invalid(field: string, message: string): BadRequestException {
    return new BadRequestException({ message: { [field]: message } });
  }
}
