// L5's reference service: a gRPC microservice as the services run one (Nest's gRPC transport with the
// shared loader options, health service and exception filter), whose one method answers with one
// GET of the endpoint's cached body. What an endpoint that must ask a service pays on that side.
import { runMain } from '@app/config';
import {
  GrpcExceptionFilter,
  GrpcHealth,
  grpcServerOptions,
  qualifiedServiceName,
} from '@app/grpc';
import { Controller, Module, NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';

import { type CachedBody, CACHED_BODY_GRPC, type CachedBodyRequest } from './cached-body-service';
import { cachedBodyClient, cachedBodyKey, closeOnSignal } from './cached-body';

const redis = cachedBodyClient();

@Controller()
class CachedBodyController {
  @GrpcMethod(CACHED_BODY_GRPC.serviceName, 'GetCachedBody')
  async getCachedBody({ key }: CachedBodyRequest): Promise<CachedBody> {
    const body = await redis.getBuffer(cachedBodyKey(key));
    if (!body) throw new NotFoundException();
    return { body };
  }
}

@Module({ controllers: [CachedBodyController] })
class ServiceBaselineModule {}

async function main(): Promise<void> {
  const health = new GrpcHealth([qualifiedServiceName(CACHED_BODY_GRPC)]);
  const app = await NestFactory.createMicroservice(ServiceBaselineModule, {
    ...grpcServerOptions([CACHED_BODY_GRPC], `127.0.0.1:${process.env.BENCH_SERVICE_PORT}`, health),
    logger: ['error'],
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  await app.listen();
  health.setServing(true);
  closeOnSignal(() => app.close(), redis);
}

// As the apps start: gRPC calls bind their async resources the cheap way.
runMain(main);
