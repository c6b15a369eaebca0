import { loadConfig, runMain } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { type ImConfig, imEnvSchema } from './config/im.config';
import { ImModule, type ImOverrides } from './im.module';
import { EngineConnectionCap } from './notify/engine-connection-cap';
import { RedisIoAdapter } from './realtime/redis-io.adapter';
import { RedisPubSub } from './realtime/redis-pub-sub';

/** Builds the IM app (Socket.IO plus /health on one Fastify server) without listening. */
export async function createIm(
  config: ImConfig,
  overrides: ImOverrides = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ImModule.forRoot(config, overrides),
    new FastifyAdapter(),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(
    new RedisIoAdapter(app, app.get(RedisPubSub), {
      redisKeyPrefix: config.REDIS_KEY_PREFIX,
      pingTimeoutMs: config.IM_PING_TIMEOUT_MS,
      requestDrainMs: config.HTTP_SHUTDOWN_DRAIN_MS,
      connectionCap: new EngineConnectionCap(
        config.IM_MAX_CONNECTIONS_PER_IP,
        config.TRUSTED_PROXY_HOPS,
      ),
    }),
  );
  app.enableShutdownHooks();
  return app;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(imEnvSchema);
    const app = await createIm(config);
    await app.listen(config.IM_PORT, config.HTTP_HOST);
  });
}
