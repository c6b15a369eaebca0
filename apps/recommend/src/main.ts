import { holdShutdownSignals, loadConfig, runMain } from '@app/config';
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
  // A signal while the pools are built is raised again once the service started.
  const signals = holdShutdownSignals(config.GRPC_SHUTDOWN_DRAIN_MS);
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(RecommendModule.forRoot(config), {
      bufferLogs: true,
      abortOnError: false,
    });
  } catch (error) {
    signals.drop();
    throw error;
  }
  app.useLogger(app.get(Logger));
  const server = app.get(RecommendGrpcServer);
  try {
    await server.start();
  } catch (error) {
    // A port already taken: what did start (the gRPC port, the stores' connections) goes with it,
    // a signal held meanwhile still bounding the close.
    try {
      await app.close();
    } finally {
      signals.drop();
    }
    throw error;
  }
  server.drainWithin(signals.msLeft);
  app.enableShutdownHooks();
  signals.release();
  return app;
}

if (require.main === module) {
  runMain(() => startRecommendService(loadConfig(recommendEnvSchema)));
}
