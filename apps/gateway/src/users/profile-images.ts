import type { MultipartFile } from '@fastify/multipart';
import { AppError, ErrorKind } from '@app/grpc';
import {
  type CheckedImage,
  ImageStorage,
  multipartUploadError,
  type StoredImage,
} from '@app/storage';
import { BadRequestException, Injectable } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** The image fields of a profile, as the reference names them. */
export const PROFILE_IMAGE_FIELDS = [
  'photo',
  'id_card_front',
  'id_card_back',
  'id_card_handheld',
] as const;

export type ProfileImageField = (typeof PROFILE_IMAGE_FIELDS)[number];

export type ProfileImages<T> = Partial<Record<ProfileImageField, T>>;

/** Route config key: how many base64 images a JSON body may carry (see `base64BodyLimit`). */
export const BASE64_IMAGES_CONFIG = 'base64Images';

/** Lets a JSON route accept `count` base64 images, beyond Fastify's default 1 MiB body limit. */
export const Base64ImagesBody = (count: number): MethodDecorator =>
  RouteConfig({ [BASE64_IMAGES_CONFIG]: count });

/**
 * Body limit of a route carrying `count` base64 images of at most `maxBytes` each. Slightly
 * above the images' own limit, so an oversized image gets the clear 400 of `checkImage`.
 */
export function base64BodyLimit(count: number, maxBytes: number): number {
  return count * (Math.ceil(maxBytes / 3) * 4 + 512) + 64 * 1024;
}

const isProfileImageField = (name: string): name is ProfileImageField =>
  (PROFILE_IMAGE_FIELDS as readonly string[]).includes(name);

/** Checks and stores profile images through the storage lib, answering errors keyed by field. */
@Injectable()
export class ProfileImageStore {
  constructor(private readonly storage: ImageStorage) {}

  /** Checks every image present, storing none; a bad one answers 400 `{"message":{"<field>":…}}`. */
  checkAll(images: ProfileImages<Buffer | string>): ProfileImages<CheckedImage> {
    const checked: ProfileImages<CheckedImage> = {};
    for (const field of PROFILE_IMAGE_FIELDS) {
      const input = images[field];
      if (input !== undefined) checked[field] = this.check(field, input);
    }
    return checked;
  }

  /** Stores checked images (in field order); a failing driver answers 507 naming the field. */
  async putAll(images: ProfileImages<CheckedImage>): Promise<ProfileImages<StoredImage>> {
    const stored: ProfileImages<StoredImage> = {};
    for (const field of PROFILE_IMAGE_FIELDS) {
      const image = images[field];
      const label = field === 'photo' ? 'profile photo' : field;
      if (image) stored[field] = await this.storage.put(image, `Uploading ${label} image failed.`);
    }
    return stored;
  }

  /** The first file of each profile image field of a multipart request; other parts are drained. */
  async readMultipart(request: FastifyRequest): Promise<ProfileImages<Buffer>> {
    const files: ProfileImages<Buffer> = {};
    if (!request.isMultipart()) return files;
    let current: MultipartFile | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        current = part;
        if (isProfileImageField(part.fieldname) && !files[part.fieldname]) {
          files[part.fieldname] = await part.toBuffer();
        } else {
          part.file.resume();
        }
      }
    } catch (error) {
      throw multipartUploadError(error, current?.fieldname ?? 'file', this.storage.maxBytes);
    }
    return files;
  }

  private check(field: ProfileImageField, input: Buffer | string): CheckedImage {
    try {
      return this.storage.check(input);
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.InvalidArgument) {
        throw new BadRequestException({ message: { [field]: error.message } });
      }
      throw error;
    }
  }
}
