import { loadConfig, runMain } from '@app/config';
import { createHttpApp, listenHttpApp } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type MisConfig, misEnvSchema } from './config/mis.config';
import { MisModule } from './mis.module';

/** Builds the admin back office (HTTP under /mis) without listening. */
export function createMis(config: MisConfig): Promise<NestFastifyApplication> {
  return createHttpApp(MisModule.forRoot(config), 'mis', config);
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(misEnvSchema);
    await listenHttpApp(() => createMis(config), config.MIS_PORT, config);
  });
}
