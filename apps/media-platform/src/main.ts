import { loadConfig, runMain } from '@app/config';
import { createHttpApp } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type MediaPlatformConfig, mediaPlatformEnvSchema } from './config/media-platform.config';
import { setupMpImageUploads } from './images/image-uploads.setup';
import { MediaPlatformModule } from './media-platform.module';

/** Builds the media platform (HTTP for authors under /mp) without listening. */
export async function createMediaPlatform(
  config: MediaPlatformConfig,
): Promise<NestFastifyApplication> {
  // The publish admin is a browser app on an origin of its own that sends its token in a header,
  // never a cookie: any origin may call, as the reference's CORS(app) let it.
  const app = await createHttpApp(MediaPlatformModule.forRoot(config), 'mp', config, {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  });
  await setupMpImageUploads(app, config);
  return app;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(mediaPlatformEnvSchema);
    const app = await createMediaPlatform(config);
    await app.listen(config.MP_PORT, config.HTTP_HOST);
  });
}
