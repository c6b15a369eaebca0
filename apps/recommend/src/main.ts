import { loadConfig, runMain } from '@app/config';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { type RecommendConfig, recommendEnvSchema } from './config/recommend.config';
import { RecommendGrpcServer } from './grpc/recommend-grpc.server';
import { RecommendModule } from './recommend.module';

/** Starts the recommend service (gRPC on RECOMMEND_GRPC_PORT); exported for end-to-end tests. */
export async function startRecommendService(
  config: RecommendConfig,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(RecommendModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  try {
    await app.get(RecommendGrpcServer).start();
  } catch (error) {
    // A port already taken: what did start (the gRPC port, the stores' connections) goes with it.
    await app.close();
    throw error;
  }
  return app;
}

if (require.main === module) {
  runMain(() => startRecommendService(loadConfig(recommendEnvSchema)));
}
