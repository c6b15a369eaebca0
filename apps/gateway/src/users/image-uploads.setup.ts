import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { CONTENT_KEY_PATTERN } from '@app/storage';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { GatewayConfig } from '../config/gateway.config';
import { BASE64_IMAGES_CONFIG, base64BodyLimit, PROFILE_IMAGE_FIELDS } from './profile-images';

/**
 * The Fastify side of image uploads, before `init()` registers the routes: multipart parsing
 * with a per-file size limit, body limits for JSON routes carrying base64 images, and (local
 * driver) the stored files at `/static/<key>`: plain Fastify routes, outside the JSON envelope.
 */
export async function setupImageUploads(
  app: NestFastifyApplication,
  config: GatewayConfig,
): Promise<void> {
  const maxBytes = config.STORAGE_MAX_IMAGE_BYTES;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const count = (route.config as Record<string, unknown> | undefined)?.[BASE64_IMAGES_CONFIG];
      if (typeof count === 'number') route.bodyLimit = base64BodyLimit(count, maxBytes);
    });
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: PROFILE_IMAGE_FIELDS.length * 2, fields: 20, parts: 40 },
  });
  if (config.STORAGE_DRIVER !== 'local') return;
  const root = resolve(config.STORAGE_LOCAL_DIR);
  await mkdir(root, { recursive: true });
  await app.register(fastifyStatic, {
    root,
    prefix: '/static/',
    decorateReply: false,
    index: false,
    list: false,
    // Names are content hashes: a URL never changes content, so clients may cache it forever.
    immutable: true,
    maxAge: '365d',
    allowedPath: (pathName) => CONTENT_KEY_PATTERN.test(pathName.replace(/^\//, '')),
    setHeaders: (reply) => {
      reply.header('X-Content-Type-Options', 'nosniff');
    },
  });
}
