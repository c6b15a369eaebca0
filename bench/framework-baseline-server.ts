// L3 and L4 reference server: the HTTP apps' framework (Nest on Fastify with the shared edge of
// configureHttpApp: route prefix, validation pipe, error filter, envelope hook). L3's handler does
// no work: the static body of L1. No endpoint of the gateway can be faster than this. L4's handler
// does what L2 adds to L1, one GET of the endpoint's cached body with the apps' Redis client: no
// endpoint that needs a Redis round trip can be faster than that.
import { configureHttpApp, JSON_CONTENT_TYPE } from '@app/grpc';
import { Controller, Get, Header, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { cachedBodyClient, cachedBodyKey } from './cached-body';
import { staticBody } from './static-body';

const redis = cachedBodyClient();

@Controller()
class FrameworkBaselineController {
  @Get('l3/:size')
  @Header('content-type', JSON_CONTENT_TYPE)
  body(@Param('size') size: string): Buffer {
    return staticBody(Number(size));
  }

  @Get('l4/:key')
  @Header('content-type', JSON_CONTENT_TYPE)
  async cachedBody(@Param('key') key: string): Promise<Buffer> {
    const body = await redis.getBuffer(cachedBodyKey(key));
    if (!body) throw new NotFoundException();
    return body;
  }
}

@Module({ controllers: [FrameworkBaselineController] })
class FrameworkBaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    FrameworkBaselineModule,
    new FastifyAdapter({ trustProxy: true }),
    {
      logger: ['error'],
    },
  );
  configureHttpApp(app, 'app');
  await app.listen(Number(process.env.BENCH_FRAMEWORK_PORT), '127.0.0.1');
  const shutdown = (): void => {
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
