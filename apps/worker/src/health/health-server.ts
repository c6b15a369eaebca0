import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { readinessHttpStatus } from '@app/grpc';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';

import { WorkerMetricsProvider } from './worker-metrics';
import { WorkerReadiness } from './worker-readiness';

/**
 * Liveness, readiness and Prometheus metrics (`/metrics`) over plain node:http: the worker is an application context with no
 * Nest HTTP stack, and probes need nothing more. Closed before the app's shutdown hooks so
 * the pod stops being ready while workers drain.
 */
@Injectable()
export class HealthServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthServer.name);
  private server: Server | undefined;

  constructor(
    private readonly readiness: WorkerReadiness,
    @Inject(WorkerMetricsProvider) private readonly metrics: Pick<WorkerMetricsProvider, 'metrics'>,
  ) {}

  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error('health request failed', error);
        if (!response.headersSent) reply(response, 500, { status: 'error' });
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://health').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, { status: 'method not allowed' });
    } else if (path === '/health/live') {
      reply(response, 200, { status: 'ok' });
    } else if (path === '/health/ready') {
      const report = await this.readiness.check();
      reply(response, readinessHttpStatus(report), report);
    } else if (path === '/metrics') {
      send(response, 200, this.metrics.metrics.contentType, await this.metrics.metrics.render());
    } else {
      reply(response, 404, { status: 'not found' });
    }
  }
}

function reply(response: ServerResponse, status: number, body: object): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  response.end(text);
}
