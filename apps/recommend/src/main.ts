import { loadConfig, runMain, startHoldingShutdownSignals } from '@app/config';
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
  return startHoldingShutdownSignals(config.GRPC_SHUTDOWN_DRAIN_MS, async (msLeft) => {
    const app = await NestFactory.createApplicationContext(RecommendModule.forRoot(config), {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    const server = app.get(RecommendGrpcServer);
    try {
      await server.start();
    } catch (error) {
      // A port already taken: what did start (the gRPC port, the stores' connections) goes with it,
      // a signal held meanwhile still bounding the close.
      await app.close();
      throw error;
    }
    server.drainWithin(msLeft);
    app.enableShutdownHooks();
    return app;
  });
}

if (require.main === module) {
  runMain(() => startRecommendService(loadConfig(recommendEnvSchema)));
}
