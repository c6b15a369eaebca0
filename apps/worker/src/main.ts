import { loadConfig, runMain, startHoldingShutdownSignals } from '@app/config';
import { ensureDatabase } from '@app/database';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { type WorkerConfig, workerEnvSchema } from './config/worker.config';
import { HealthServer } from './health/health-server';
import { reservePort } from './health/reserved-port';
import { ShutdownStateProvider } from './health/shutdown-state';
import { exitAfterShutdownDeadline } from './shutdown-deadline';
import { WorkerModule } from './worker.module';

/** A running worker: its context, the health port and a close that drains the BullMQ workers. */
export interface RunningWorker {
  app: INestApplicationContext;
  port: number;
  close(): Promise<void>;
  /** What is left of WORKER_SHUTDOWN_TIMEOUT_MS after a signal held during the start; all of it when none came. */
  shutdownMsLeft: () => number;
}

/**
 * Starts the worker; exported so end-to-end tests boot the real thing. Creating the context
 * fails (before any job is consumed) unless each job of WORKER_QUEUES has exactly one processor.
 * A SIGTERM or SIGINT during the start (migrations waiting for their lock, the stores'
 * connections) stops it once it started; a start still running WORKER_SHUTDOWN_TIMEOUT_MS after
 * the signal exits as the signal would have (`startHoldingShutdownSignals`).
 */
export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  return startHoldingShutdownSignals(config.WORKER_SHUTDOWN_TIMEOUT_MS, async (msLeft) => {
    const { app, port } = await createWorker(config);
    app.enableShutdownHooks();
    return { app, port, close: () => app.close(), shutdownMsLeft: msLeft };
  });
}

async function createWorker(
  config: WorkerConfig,
): Promise<{ app: INestApplicationContext; port: number }> {
  // Bound before anything waits on a store (the context waits for the queue Redis, for ever while
  // it is down): a health port already taken fails the start at once, before any BullMQ worker
  // started.
  const reserved = await reservePort(config.WORKER_PORT, config.HTTP_HOST);
  let app: INestApplicationContext;
  try {
    if (config.MIGRATIONS_RUN) await ensureDatabase(config);
    // abortOnError: false so a miswired worker throws to runMain (and tests) instead of aborting.
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      bufferLogs: true,
      abortOnError: false,
    });
  } finally {
    await reserved.release();
  }
  app.useLogger(app.get(Logger));
  try {
    const port = await app.get(HealthServer).listen(reserved.port, config.HTTP_HOST);
    return { app, port };
  } catch (error) {
    await app.close();
    throw error;
  }
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(workerEnvSchema);
    const { app, shutdownMsLeft } = await startWorker(config);
    const shutdown = app.get(ShutdownStateProvider);
    // Armed before the signal held during the start, raised again, comes back.
    exitAfterShutdownDeadline(
      config.WORKER_SHUTDOWN_TIMEOUT_MS,
      (pingTimeoutMs) => shutdown.state(pingTimeoutMs),
      shutdownMsLeft,
    );
  });
}
