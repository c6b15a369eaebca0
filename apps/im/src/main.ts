import { loadConfig, runMain, startHoldingShutdownSignals } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { type ImConfig, imEnvSchema } from './config/im.config';
import { ImModule, type ImOverrides } from './im.module';
import { EngineConnectionCap } from './notify/engine-connection-cap';
import { RedisIoAdapter } from './realtime/redis-io.adapter';
import { RedisPubSub } from './realtime/redis-pub-sub';

/**
 * Builds the IM app (Socket.IO plus /health on one Fastify server) without listening.
 * `requestDrainMsLeft`: what is left of HTTP_SHUTDOWN_DRAIN_MS as the close begins.
 */
export async function createIm(
  config: ImConfig,
  overrides: ImOverrides = {},
  requestDrainMsLeft: () => number = () => config.HTTP_SHUTDOWN_DRAIN_MS,
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
      requestDrainMs: requestDrainMsLeft,
      connectionCap: new EngineConnectionCap(
        config.IM_MAX_CONNECTIONS_PER_IP,
        config.TRUSTED_PROXY_HOPS,
      ),
    }),
  );
  return app;
}

/**
 * Creates im, listens on IM_PORT, then stops it on SIGTERM or SIGINT through its drain and
 * shutdown hooks. A signal while it starts stops it so once it listens, the drain getting what is
 * left of HTTP_SHUTDOWN_DRAIN_MS counted from the signal; a start still running then exits as the
 * signal would have (`startHoldingShutdownSignals`).
 */
async function listenIm(config: ImConfig): Promise<NestFastifyApplication> {
  return startHoldingShutdownSignals(config.HTTP_SHUTDOWN_DRAIN_MS, async (msLeft) => {
    const app = await createIm(config, {}, msLeft);
    await app.listen(config.IM_PORT, config.HTTP_HOST);
    app.enableShutdownHooks();
    return app;
  });
}

if (require.main === module) {
  runMain(() => listenIm(loadConfig(imEnvSchema)));
}
