import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { MediaPlatformConfig } from '../config/media-platform.config';

/**
 * Multipart parsing for the media platform's uploads (`/user/images`, `/user/photo`), before
 * `init()` registers the routes. One image per request; the per-file limit is the storage limit.
 * Stored files are served where STORAGE_PUBLIC_URL points (the gateway's /static for `local`).
 */
export async function setupMpImageUploads(
  app: NestFastifyApplication,
  config: MediaPlatformConfig,
): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.STORAGE_MAX_IMAGE_BYTES, files: 2, fields: 10, parts: 20 },
  });
}
