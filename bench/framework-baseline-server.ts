// L3 reference server: the HTTP apps' own framework (Nest on Fastify with the shared edge of
// configureHttpApp: route prefix, validation pipe, error filter, envelope hook) and a handler that
// does no work: the static body of L1. No endpoint of the gateway can be faster than this.
import { configureHttpApp, JSON_CONTENT_TYPE } from '@app/grpc';
import { Controller, Get, Header, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { staticBody } from './static-body';

@Controller()
class FrameworkBaselineController {
  @Get('l3/:size')
  @Header('content-type', JSON_CONTENT_TYPE)
  body(@Param('size') size: string): Buffer {
    return staticBody(Number(size));
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
}

void main();
