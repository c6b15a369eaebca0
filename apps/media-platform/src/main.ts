import { loadConfig, runMain } from '@app/config';
import { createHttpApp, listenHttpApp, OPEN_CORS } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type MediaPlatformConfig, mediaPlatformEnvSchema } from './config/media-platform.config';
import { setupMpImageUploads } from './images/image-uploads.setup';
import { MediaPlatformModule } from './media-platform.module';

/** Builds the media platform (HTTP for authors under /mp) without listening. */
export async function createMediaPlatform(
  config: MediaPlatformConfig,
): Promise<NestFastifyApplication> {
  const app = await createHttpApp(MediaPlatformModule.forRoot(config), 'mp', config, OPEN_CORS);
  await setupMpImageUploads(app, config);
  return app;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(mediaPlatformEnvSchema);
    await listenHttpApp(() => createMediaPlatform(config), config.MP_PORT, config);
  });
}
