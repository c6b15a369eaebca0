import { loadConfig, runMain } from '@app/config';
import { createHttpApp } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type GatewayConfig, gatewayEnvSchema } from './config/gateway.config';
import { GatewayModule } from './gateway.module';

/** Builds the gateway (HTTP for the mobile app under /app) without listening. */
export function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  return createHttpApp(GatewayModule.forRoot(config), 'app');
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(gatewayEnvSchema);
    const app = await createGateway(config);
    await app.listen(config.GATEWAY_PORT, config.HTTP_HOST);
  });
}
