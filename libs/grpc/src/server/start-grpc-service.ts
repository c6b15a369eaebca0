import { startHoldingShutdownSignals } from '@app/config';
import type { Server } from '@grpc/grpc-js';
import type { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { type GrpcServiceDefinition, qualifiedServiceName } from '../services';
import { closeOnShutdownSignals } from './close-on-shutdown-signals';
import type { GrpcConnectionAge } from './connection-age';
import { drainGrpcServer } from './drain-grpc-server';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { GrpcMetricsEndpoint } from './grpc-metrics-endpoint';
import { GrpcHealth } from './grpc-health';
import { grpcServerOptions } from './grpc-server-options';

export interface GrpcServiceBootstrap {
  module: Type<unknown> | DynamicModule;
  services: readonly GrpcServiceDefinition[];
  url: string;
  /** Where `/metrics` listens: the service's metrics port (0 serves none) on HTTP_HOST. */
  metrics: { port: number; host: string };
  /** How long client connections live (GRPC_MAX_CONNECTION_AGE_MS and its grace). */
  connectionAge: GrpcConnectionAge;
  /** How long the drain may wait for the calls in progress before they are cancelled (GRPC_SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  /** Readiness of the service's own dependencies, polled into grpc.health.v1. */
  isReady: (app: INestMicroservice) => Promise<boolean>;
  healthIntervalMs?: number;
  /** What must be done before the module is created (creating the database). */
  prepare?: () => Promise<void>;
}

/**
 * Creates, starts and health-wires a gRPC microservice. Closing the handle it answers, or a
 * SIGTERM or SIGINT, marks the service NOT_SERVING, drains it (cancelling the calls still running
 * after `shutdownDrainMs`), runs Nest's shutdown hooks and closes its `/metrics`; a signal then
 * ends the process as Nest's shutdown hooks do. A signal during the start (migrations, the pools'
 * connections) stops it so once it started, the drain getting what is left of `shutdownDrainMs`;
 * a start still running then exits as the signal would have (`startHoldingShutdownSignals`).
 */
export async function startGrpcService(options: GrpcServiceBootstrap): Promise<INestMicroservice> {
  return startHoldingShutdownSignals(options.shutdownDrainMs, async (msLeft) => {
    await options.prepare?.();
    return startServing(options, msLeft);
  });
}

async function startServing(
  options: GrpcServiceBootstrap,
  drainMsLeft: () => number,
): Promise<INestMicroservice> {
  const health = new GrpcHealth(options.services.map(qualifiedServiceName));
  const metrics = new GrpcMetricsEndpoint();
  let server: Server | undefined;
  const app = await NestFactory.createMicroservice(options.module, {
    ...grpcServerOptions(options.services, options.url, health, {
      interceptors: [metrics.calls.interceptor],
      connectionAge: options.connectionAge,
      serverCreated: (created) => (server = created),
    }),
    bufferLogs: true,
    // Boot errors reach the caller (runMain exits non-zero; tests fail with the real error).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new GrpcExceptionFilter());
  await app.listen();
  try {
    await metrics.listen(options.metrics.port, options.metrics.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  await health.watch(() => options.isReady(app), options.healthIntervalMs);
  const close = app.close.bind(app);
  let closing: Promise<void> | undefined;
  // Nest's own signal handling would drain with the health service still answering SERVING.
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      health.stop();
      if (server) await drainGrpcServer(server, drainMsLeft());
      // Nest's own drain then finds the server closed, and the hooks run.
      await close();
      await metrics.close();
      stopListening();
    })());
  const stopListening = closeOnShutdownSignals(closeAll);
  // NestFactory's proxy drops an assignment to one of its methods, so `close` is put on one of ours.
  return new Proxy(app, {
    get: (target, property, receiver) =>
      property === 'close' ? closeAll : (Reflect.get(target, property, receiver) as unknown),
  });
}
