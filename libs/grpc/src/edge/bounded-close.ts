import { drainWithin } from '@app/config';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Bounds how long the app's close waits for the requests in progress (Fastify waits for each, a
 * client sending its body slowly included): `deadlineMs` (HTTP_SHUTDOWN_DRAIN_MS) after it began,
 * their connections are cut, so Nest's shutdown hooks after it run before Kubernetes kills the pod.
 */
export function boundRequestDrain(fastify: FastifyInstance, deadlineMs: number): void {
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    if (!server.listening) return done();
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    void drainWithin(closed, deadlineMs, () => {
      new Logger('Shutdown').warn(`requests still in progress after ${deadlineMs} ms of draining are cut`);
      server.closeAllConnections();
    });
    done();
  });
}
