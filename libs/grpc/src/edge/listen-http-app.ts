import { startHoldingShutdownSignals } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { RequestDrainDeadline } from './bounded-close';

/** What `listenHttpApp` reads of the app's settings (see `httpAppEnvSchema`). */
export interface HttpListenSettings {
  HTTP_HOST: string;
  HTTP_SHUTDOWN_DRAIN_MS: number;
}

/**
 * Creates an app of `createHttpApp` (`create`), listens on `port`, then stops it on SIGTERM or
 * SIGINT through its drain and shutdown hooks. A signal while it starts (mis' migrations waiting
 * for their lock with MIGRATIONS_RUN) stops it so once it listens, the drain getting what is left
 * of HTTP_SHUTDOWN_DRAIN_MS counted from the signal; a start still running then exits as the signal
 * would have (`startHoldingShutdownSignals`).
 */
export async function listenHttpApp(
  create: () => Promise<NestFastifyApplication>,
  port: number,
  settings: HttpListenSettings,
): Promise<NestFastifyApplication> {
  return startHoldingShutdownSignals(settings.HTTP_SHUTDOWN_DRAIN_MS, async (msLeft) => {
    const app = await create();
    app.get(RequestDrainDeadline).drainWithin(msLeft);
    await app.listen(port, settings.HTTP_HOST);
    app.enableShutdownHooks();
    return app;
  });
}
