// L3, L4 and L5 reference server: the HTTP apps' framework (Nest on Fastify with the shared edge of
// configureHttpApp: security headers, route prefix, validation pipe, error filter, envelope hook).
// L3's handler does no work: the static body of L1. No endpoint of the gateway can be faster than
// this. L4's handler does what L2 adds to L1, one GET of the endpoint's cached body with the apps'
// Redis client: no endpoint that needs a Redis round trip can be faster than that. L5's handler
// misses its own cache (one GET of an absent key) and asks a service for the body with one unary
// call through the apps' gRPC client (service-baseline-server.ts answers it with one GET): no
// endpoint that must ask a service on each request, as a cache miss of the gateway does, can be
// faster than that.
import { runMain } from '@app/config';
import {
  configureHttpApp,
  GrpcClientModule,
  InjectGrpcClient,
  JSON_CONTENT_TYPE,
  unary,
} from '@app/grpc';
import { Controller, Get, Header, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { cachedBodyClient, cachedBodyKey, closeOnSignal } from './cached-body';
import { CACHED_BODY_GRPC, type CachedBodyServiceClient } from './cached-body-service';
import { staticBody } from './static-body';

const redis = cachedBodyClient();

/** The deadline the apps give a call to a service (GRPC_DEADLINE_MS's default). */
const SERVICE_DEADLINE_MS = 3_000;

@Controller()
class FrameworkBaselineController {
  constructor(
    @InjectGrpcClient(CACHED_BODY_GRPC) private readonly service: CachedBodyServiceClient,
  ) {}

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

  @Get('l5/:key')
  @Header('content-type', JSON_CONTENT_TYPE)
  async askedBody(@Param('key') key: string): Promise<Buffer> {
    if ((await redis.getBuffer(`${cachedBodyKey(key)}:absent`)) !== null)
      throw new NotFoundException();
    return (await unary(this.service.getCachedBody({ key }))).body;
  }
}

@Module({
  imports: [
    GrpcClientModule.register([
      {
        service: CACHED_BODY_GRPC,
        url: `127.0.0.1:${process.env.BENCH_SERVICE_PORT}`,
        deadlineMs: SERVICE_DEADLINE_MS,
      },
    ]),
  ],
  controllers: [FrameworkBaselineController],
})
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
  closeOnSignal(() => app.close(), redis);
}

// As the apps start: gRPC calls bind their async resources the cheap way.
runMain(main);
