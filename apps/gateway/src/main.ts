import { loadConfig, runMain } from '@app/config';
import { createHttpApp } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type GatewayConfig, gatewayEnvSchema } from './config/gateway.config';
import { answerBuiltAnonymousPages } from './articles/anonymous-article-pages';
import { GatewayModule } from './gateway.module';
import { setupImageUploads } from './users/image-uploads.setup';

/** What the mobile app calls with; a preflight answers with them and the headers it asked for. */
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Builds the gateway (HTTP for the mobile app under /app, stored images under /static) without
 * listening; the Fastify hooks go in before `init()` registers the routes.
 */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  // The mobile web app runs on an origin of its own and sends its token in a header, never a
  // cookie: any origin may call, as the reference's CORS(app) let it.
  const app = await createHttpApp(GatewayModule.forRoot(config), 'app', config, {
    origin: '*',
    methods: CORS_METHODS,
  });
  await setupImageUploads(app, config);
  answerBuiltAnonymousPages(app);
  return app;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(gatewayEnvSchema);
    const app = await createGateway(config);
    await app.listen(config.GATEWAY_PORT, config.HTTP_HOST);
  });
}
