import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import { TokenVerifier } from '@app/auth';
import { DEFAULT_PHOTO_KEY, errorMessage } from '@app/config';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import {
  CONTENT_KEY_PATTERN,
  createStorageDriver,
  DEFAULT_PHOTO_CONTENT_TYPE,
  ensureDefaultPhoto,
  S3StorageDriver,
  storageOptionsFromEnv,
} from '@app/storage';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { GatewayConfig } from '../config/gateway.config';
import { BASE64_IMAGES_CONFIG, base64BodyLimit, PROFILE_IMAGE_FIELDS } from './profile-images';
import { tokenBeforeBody } from './token-before-body.hook';

/**
 * The Fastify side of image uploads, before `init()` registers the routes: multipart parsing
 * with a per-file size limit, body limits for JSON routes carrying base64 images (signed-in
 * callers only: the token is checked before such a body is read), and (local
 * driver) the stored files at `/static/<key>`: plain Fastify routes, outside the JSON envelope.
 * The default photo every user without one is shown is stored at boot unless already there.
 */
export async function setupImageUploads(
  app: NestFastifyApplication,
  config: GatewayConfig,
): Promise<void> {
  const maxBytes = config.STORAGE_MAX_IMAGE_BYTES;
  const checkToken = tokenBeforeBody(app.get(TokenVerifier));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const count = (route.config as Record<string, unknown> | undefined)?.[BASE64_IMAGES_CONFIG];
      if (typeof count !== 'number') return;
      route.bodyLimit = base64BodyLimit(count, maxBytes);
      route.onRequest = [...toArray(route.onRequest), checkToken];
    });
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: PROFILE_IMAGE_FIELDS.length * 2, fields: 20, parts: 40 },
  });
  if (config.STORAGE_DRIVER !== 'local') {
    // The bucket may be out of reach at boot: the gateway serves on, and the next boot tries again.
    storeDefaultPhoto(config).catch((error: unknown) =>
      logger.warn(`default photo not stored: ${errorMessage(error)}`),
    );
    return;
  }
  const root = resolve(config.STORAGE_LOCAL_DIR);
  await mkdir(root, { recursive: true });
  await storeDefaultPhoto(config);
  await app.register(fastifyStatic, {
    root,
    prefix: '/static/',
    decorateReply: false,
    index: false,
    list: false,
    // Names are content hashes: a URL never changes content, so clients may cache it forever.
    immutable: true,
    maxAge: '365d',
    allowedPath: (pathName) => isServedKey(pathName.replace(/^\//, '')),
    // nosniff, as every answer's security headers, comes from the app's edge (configureHttpApp).
    setHeaders: (reply, path) => {
      // The reference's key has no extension to take the type from.
      if (basename(path) === DEFAULT_PHOTO_KEY)
        reply.header('Content-Type', DEFAULT_PHOTO_CONTENT_TYPE);
    },
  });
}

const logger = new Logger('ImageUploads');

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const isServedKey = (key: string): boolean =>
  key === DEFAULT_PHOTO_KEY || CONTENT_KEY_PATTERN.test(key);

async function storeDefaultPhoto(config: GatewayConfig): Promise<void> {
  const driver = createStorageDriver(storageOptionsFromEnv(config));
  try {
    if (await ensureDefaultPhoto(driver))
      logger.log(`default photo stored as ${DEFAULT_PHOTO_KEY}`);
  } finally {
    if (driver instanceof S3StorageDriver) driver.onModuleDestroy();
  }
}
