import { loadConfig, runMain } from '@app/config';
import { configureHttpApp } from '@app/grpc';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { type GatewayConfig, gatewayEnvSchema } from './config/gateway.config';
import { GatewayModule } from './gateway.module';

/** Builds the gateway (HTTP for the mobile app under /app) without listening. */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), new FastifyAdapter(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  return configureHttpApp(app, 'app');
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(gatewayEnvSchema);
    const app = await createGateway(config);
    await app.listen(config.GATEWAY_PORT, config.HTTP_HOST);
  });
}
