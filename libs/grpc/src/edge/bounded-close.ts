import type { Server } from 'node:http';

import { drainWithin } from '@app/config';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
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
    new Logger('Shutdown').warn('requests still in progress at HTTP_SHUTDOWN_DRAIN_MS are cut');
    server.closeAllConnections();
  });
}

/**
 * HTTP_SHUTDOWN_DRAIN_MS of an app, counted from its close's first shutdown hook (a provider of its
 * root module, whose hooks Nest runs first), as Kubernetes' grace period runs from the signal: the
 * hooks before the HTTP server closes (a counter flush waiting for a Redis that is down) count too.
 */
export class RequestDrainDeadline implements OnModuleDestroy {
  private startedAt: number | undefined;
  private drainMs = 0;
  private msLeft = (): number => this.deadlineMs;

  constructor(
    private readonly server: Server,
    private readonly deadlineMs: number,
  ) {}

  /** What is left of the deadline as the close begins: less after a signal held during the start. */
  drainWithin(msLeft: () => number): void {
    this.msLeft = () => Math.min(msLeft(), this.deadlineMs);
  }

  onModuleDestroy(): void {
    this.begin();
  }

  /** As the server closes: begins the deadline if no hook did, and cuts at once what is in progress past it. */
  serverClosing(): void {
    if (this.startedAt === undefined) this.begin();
    else if (Date.now() - this.startedAt >= this.drainMs) cutRequestsAfter(this.server, 0);
  }

  private begin(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = Date.now();
    this.drainMs = this.msLeft();
    cutRequestsAfter(this.server, this.drainMs);
  }
}

/** Bounds the close of a Fastify app's server by `deadline` (see `cutRequestsAfter`). */
export function boundRequestDrain(fastify: FastifyInstance, deadline: RequestDrainDeadline): void {
  fastify.addHook('preClose', (done) => {
    deadline.serverClosing();
    done();
  });
}
