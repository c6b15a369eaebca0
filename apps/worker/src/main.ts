import { loadConfig, runMain } from '@app/config';
import { ensureDatabase } from '@app/database';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { type WorkerConfig, workerEnvSchema } from './config/worker.config';
import { HealthServer } from './health/health-server';
import { ShutdownStateProvider } from './health/shutdown-state';
import { exitAfterShutdownDeadline } from './shutdown-deadline';
import { WorkerModule } from './worker.module';

/** A running worker: its context, the health port and a close that drains the BullMQ workers. */
export interface RunningWorker {
  app: INestApplicationContext;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the worker; exported so end-to-end tests boot the real thing. Creating the context
 * fails (before any job is consumed) unless each job of WORKER_QUEUES has exactly one processor.
 */
export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  if (config.MIGRATIONS_RUN) await ensureDatabase(config);
  // abortOnError: false so a miswired worker throws to runMain (and tests) instead of aborting.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  try {
    const port = await app.get(HealthServer).listen(config.WORKER_PORT, config.HTTP_HOST);
    return { app, port, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(workerEnvSchema);
    const { app } = await startWorker(config);
    const shutdown = app.get(ShutdownStateProvider);
    exitAfterShutdownDeadline(config.WORKER_SHUTDOWN_TIMEOUT_MS, (pingTimeoutMs) =>
      shutdown.state(pingTimeoutMs),
    );
  });
}
