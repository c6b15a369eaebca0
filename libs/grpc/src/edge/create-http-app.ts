import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { configureHttpApp } from './configure-http-app';

/**
 * The apps sit behind one Ingress, which appends the address it saw to X-Forwarded-For: only that
 * last entry is trusted. Whatever the client put before it (any address, a new one per request)
 * would otherwise be the caller's IP, and so the key of the per-IP SMS limit.
 */
const TRUSTED_PROXY_HOPS = 1;

/** Creates a Fastify HTTP app (not listening yet) with pino logs and the shared edge under `prefix`. */
export async function createHttpApp(module: DynamicModule, prefix: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ trustProxy: TRUSTED_PROXY_HOPS }), {
    bufferLogs: true,
    // Boot errors reach the caller (runMain exits non-zero; tests fail with the real error).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  return configureHttpApp(app, prefix);
}
