import { AppError, ErrorKind } from '@app/grpc';
import { Logger } from '@nestjs/common';

import { isImageComplete } from './image-complete';
import { readImageHeader } from './image-header';
import { detectImageType, IMAGE_CONTENT_TYPES } from './image-type';
import { contentKey, type StorageDriver } from './storage-driver';

/** 5 MiB, the default of STORAGE_MAX_IMAGE_BYTES. */
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The reference's message for anything that is not a readable image. */
export const INVALID_IMAGE_MESSAGE = 'Invalid image.';

export interface StoreImageOptions {
  /** Largest accepted image in bytes. */
  maxBytes: number;
  /** Message of the 507 answered when the driver fails (the reference names the field). */
  failureMessage?: string;
}

/** A stored image: the key to persist and the URL to answer with. */
export interface StoredImage {
  key: string;
  url: string;
}

const logger = new Logger('ImageStorage');

const DATA_URL = /^data:image\/[A-Za-z0-9.+-]+;base64,/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Message of the 400 for an image over the size limit. */
export function imageTooLargeMessage(maxBytes: number): string {
  return `Image is too large (at most ${maxBytes} bytes).`;
}

/**
 * Decodes an image sent as base64 text, bare or as a `data:image/...;base64,` URL (the PATCH
 * /user/profile fields). Throws AppError 400 for text that is not base64.
 */
export function decodeBase64Image(value: string): Buffer {
  const payload = value.replace(DATA_URL, '').replace(/\s+/g, '');
  if (!BASE64.test(payload)) throw AppError.invalid(INVALID_IMAGE_MESSAGE);
  return Buffer.from(payload, 'base64');
}

/** An upload that passed the checks, not stored yet: `key` is the one storing it will give it. */
export interface CheckedImage {
  bytes: Buffer;
  contentType: string;
  key: string;
}

/**
 * Checks an upload (raw bytes, or base64 text as `decodeBase64Image` reads it) for size, magic
 * bytes, a header of the type they name declaring a sane size (`readImageHeader`) and the end a
 * whole file of that type has (`isImageComplete`), storing nothing. Bad files throw AppError 400.
 */
export function checkImage(input: Buffer | string, maxBytes: number): CheckedImage {
  if (typeof input === 'string' && input.length > Math.ceil(maxBytes / 3) * 4 + 256) {
    throw AppError.invalid(imageTooLargeMessage(maxBytes));
  }
  const bytes = typeof input === 'string' ? decodeBase64Image(input) : input;
  if (bytes.length > maxBytes) throw AppError.invalid(imageTooLargeMessage(maxBytes));
  const type = detectImageType(bytes);
  if (!type || !readImageHeader(bytes, type) || !isImageComplete(bytes, type)) {
    throw AppError.invalid(INVALID_IMAGE_MESSAGE);
  }
  const contentType = IMAGE_CONTENT_TYPES[type];
  return { bytes, contentType, key: contentKey(bytes, contentType) };
}

/**
 * Stores a checked image under its content hash. A failing driver throws AppError StorageFailed
 * (507) with `failureMessage`.
 */
export async function putImage(
  driver: StorageDriver,
  image: CheckedImage,
  failureMessage = 'Uploading profile photo image failed.',
): Promise<StoredImage> {
  try {
    const { key } = await driver.put(image.bytes, image.contentType, image.key);
    return { key, url: driver.url(key) };
  } catch (error) {
    // The client only learns that storing failed; the reason goes to the log.
    logger.error(
      `storing a ${image.contentType} image failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    const failure = new AppError(ErrorKind.StorageFailed, failureMessage);
    failure.cause = error;
    throw failure;
  }
}

/**
 * `checkImage`, then `putImage`: bad files throw AppError 400; a failing driver throws AppError
 * StorageFailed (507).
 */
export async function storeImage(
  driver: StorageDriver,
  input: Buffer | string,
  options: StoreImageOptions,
): Promise<StoredImage> {
  return putImage(driver, checkImage(input, options.maxBytes), options.failureMessage);
}
