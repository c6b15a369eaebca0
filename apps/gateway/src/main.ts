import { loadConfig, runMain } from '@app/config';
import { createHttpApp, listenHttpApp, OPEN_CORS } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type GatewayConfig, gatewayEnvSchema } from './config/gateway.config';
import { answerBuiltAnonymousPages } from './articles/anonymous-article-pages';
import { GatewayModule } from './gateway.module';
import { setupImageUploads } from './users/image-uploads.setup';

/**
 * Builds the gateway (HTTP for the mobile app under /app, stored images under /static) without
 * listening; the Fastify hooks go in before `init()` registers the routes.
 */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(GatewayModule.forRoot(config), 'app', config, OPEN_CORS);
  await setupImageUploads(app, config);
  answerBuiltAnonymousPages(app);
  return app;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(gatewayEnvSchema);
    await listenHttpApp(() => createGateway(config), config.GATEWAY_PORT, config);
  });
}
