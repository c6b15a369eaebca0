import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { configureHttpApp } from './configure-http-app';

/** Creates a Fastify HTTP app (not listening yet) with pino logs and the shared edge under `prefix`. */
export async function createHttpApp(module: DynamicModule, prefix: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ trustProxy: true }), {
    bufferLogs: true,
    // Boot errors reach the caller (runMain exits non-zero; tests fail with the real error).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  return configureHttpApp(app, prefix);
}
