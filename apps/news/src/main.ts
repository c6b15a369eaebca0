import { RedisHealth } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { DatabaseHealth, ensureDatabase } from '@app/database';
import { NEWS_APP_SERVICES, startGrpcService } from '@app/grpc';
import type { INestMicroservice } from '@nestjs/common';

import { type NewsConfig, newsEnvSchema } from './config/news.config';
import { NewsAppModule } from './news-app.module';

/** Starts the news gRPC service; exported so end-to-end tests boot the real thing. */
export async function startNewsService(config: NewsConfig): Promise<INestMicroservice> {
  return startGrpcService({
    prepare: config.MIGRATIONS_RUN ? () => ensureDatabase(config) : undefined,
    module: NewsAppModule.forRoot(config),
    services: NEWS_APP_SERVICES,
    url: `0.0.0.0:${config.NEWS_GRPC_PORT}`,
    metrics: { port: config.NEWS_METRICS_PORT, host: config.HTTP_HOST },
    connectionAge: config,
    shutdownDrainMs: config.GRPC_SHUTDOWN_DRAIN_MS,
    isReady: async (app) => {
      const [database, redis] = await Promise.all([
        app.get(DatabaseHealth).isReady(),
        app.get(RedisHealth).isReady(),
      ]);
      return database && redis;
    },
  });
}

if (require.main === module) {
  runMain(() => startNewsService(loadConfig(newsEnvSchema)));
}
