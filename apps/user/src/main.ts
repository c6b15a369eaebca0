import { RedisHealth } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { DatabaseHealth, ensureDatabase } from '@app/database';
import { USER_APP_SERVICES, startGrpcService } from '@app/grpc';
import type { INestMicroservice } from '@nestjs/common';

import { type UserConfig, userEnvSchema } from './config/user.config';
import { UserAppModule } from './user-app.module';

/** Starts the user gRPC service; exported so end-to-end tests boot the real thing. */
export async function startUserService(config: UserConfig): Promise<INestMicroservice> {
  return startGrpcService({
    prepare: config.MIGRATIONS_RUN ? () => ensureDatabase(config) : undefined,
    module: UserAppModule.forRoot(config),
    services: USER_APP_SERVICES,
    url: `0.0.0.0:${config.USER_GRPC_PORT}`,
    metrics: { port: config.USER_METRICS_PORT, host: config.HTTP_HOST },
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
  runMain(() => startUserService(loadConfig(userEnvSchema)));
}
