import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';

import { answerClientError } from '../edge/client-error-answer';
import { SECURITY_HEADERS } from '../edge/security-headers';

/** What a route of a plain HTTP server answers. */
export interface PlainAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type PlainRoute = () => PlainAnswer | Promise<PlainAnswer>;

/** The answer of each path (GET or HEAD); any other path is 404, any other method 405. */
export type PlainRoutes = ReadonlyMap<string, PlainRoute>;

export function jsonAnswer(status: number, body: object): PlainAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

/** A Prometheus scrape of `registry`. */
export async function metricsAnswer(registry: Registry): Promise<PlainAnswer> {
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Probes and Prometheus metrics over plain node:http, for a program with no Nest HTTP stack (the
 * worker, the gRPC services): they need nothing more than a few fixed paths. Every answer, a
 * malformed request's 400 included, carries the security headers of the HTTP apps.
 */
export class PlainHttpServer {
  private readonly logger: Logger;
  private server: Server | undefined;

  constructor(
    private readonly routes: PlainRoutes,
    name: string,
  ) {
    this.logger = new Logger(name);
  }

  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error('request failed', error);
        if (!response.headersSent) send(response, jsonAnswer(500, { status: 'error' }));
      });
    });
    server.on('clientError', answerClientError());
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

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = this.routes.get(new URL(request.url ?? '/', 'http://plain').pathname);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, jsonAnswer(405, { status: 'method not allowed' }));
    } else if (route === undefined) {
      send(response, jsonAnswer(404, { status: 'not found' }));
    } else {
      send(response, await route());
    }
  }
}

function send(response: ServerResponse, answer: PlainAnswer): void {
  response.writeHead(answer.status, {
    ...SECURITY_HEADERS,
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    connection: 'close',
  });
  response.end(answer.body);
}
