import type { Server } from 'node:http';

import { drainWithin } from '@app/config';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Bounds how long `server`'s close, beginning now, waits for the requests in progress (a client
 * sending its body slowly holds it for as long as it sends): `deadlineMs` (HTTP_SHUTDOWN_DRAIN_MS)
 * on, their connections are cut, so Nest's shutdown hooks after it run before Kubernetes kills the
 * pod. Nothing to bound when it does not listen, or its close began earlier.
 */
export function cutRequestsAfter(server: Server, deadlineMs: number): void {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  void drainWithin(closed, deadlineMs, () => {
    new Logger('Shutdown').warn(`requests still in progress after ${deadlineMs} ms of draining are cut`);
    server.closeAllConnections();
  });
}

/** Bounds the close of a Fastify app's server (see `cutRequestsAfter`), from its start. */
export function boundRequestDrain(fastify: FastifyInstance, deadlineMs: number): void {
  fastify.addHook('preClose', (done) => {
    cutRequestsAfter(fastify.server, deadlineMs);
    done();
  });
}
