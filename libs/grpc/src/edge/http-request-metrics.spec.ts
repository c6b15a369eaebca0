import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { eventually } from '@app/testing';
import { Registry } from 'prom-client';

import { HttpRequestMetrics, type RequestCountHooks } from './http-request-metrics';

type SetNotFoundHandlerWithHooks = (
  hooks: RequestCountHooks,
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
) => FastifyInstance;

const ABORTED_LINE = /^http_requests_aborted_total\{method="(\w+)",route="([^"]+)"\} (\d+)$/gm;

/** Each route's count of requests whose client hung up first, as `METHOD route`. */
async function abortedCounts(registry: Registry): Promise<Record<string, number>> {
  return Object.fromEntries(
    [...(await registry.metrics()).matchAll(ABORTED_LINE)].map(([, method, route, count]) => [
      `${method} ${route}`,
      Number(count),
    ]),
  );
}

/** Asks for `path` over a socket and hangs up once `handling` resolves, before the answer. */
async function hangUpOn(
  server: FastifyInstance,
  path: string,
  handling: Promise<void>,
): Promise<void> {
  const { port } = server.server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const asked = httpRequest({ host: '127.0.0.1', port, path });
    asked.on('error', () => resolve());
    asked.end();
    void handling.then(() => asked.destroy());
  });
}

const COUNT_LINE =
  /^http_request_duration_seconds_count\{method="(\w+)",route="([^"]+)",status="(\d+)"\} (\d+)$/gm;

/** Each series' request count, as `METHOD route status`. */
async function counts(registry: Registry): Promise<Record<string, number>> {
  return Object.fromEntries(
    [...(await registry.metrics()).matchAll(COUNT_LINE)].map(([, method, route, status, count]) => [
      `${method} ${route} ${status}`,
      Number(count),
    ]),
  );
}

/** A promise and what resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('HttpRequestMetrics', () => {
  let server: FastifyInstance;
  let registry: Registry;
  /** /slow tells it got a request, then answers once released. */
  let slow: {
    handling: Promise<void>;
    started: () => void;
    release: () => void;
    answered: Promise<void>;
  };

  beforeEach(async () => {
    const handling = signal();
    const released = signal();
    const answered = signal();
    slow = {
      handling: handling.promise,
      started: handling.resolve,
      release: released.resolve,
      answered: answered.promise,
    };
    registry = new Registry();
    const requests = new HttpRequestMetrics(registry);
    server = Fastify({
      frameworkErrors: (_error, request: FastifyRequest, reply: FastifyReply) => {
        requests.countUnroutable(request, reply);
        void reply.code(404).send({ message: 'unroutable' });
      },
    });
    requests.watchRoutes(server);
    // As createHttpApp sets it: Fastify runs the hooks these options name, its types name two.
    const setNotFoundHandler = server.setNotFoundHandler.bind(
      server,
    ) as unknown as SetNotFoundHandlerWithHooks;
    setNotFoundHandler(requests.unmatchedHooks, (_request, reply) => {
      void reply.code(404).send({ message: 'not found' });
    });
    server.get(
      '/slow',
      {
        onSend: (_request, _reply, payload, done) => {
          answered.resolve();
          done(null, payload);
        },
      },
      async () => {
        slow.started();
        await released.promise;
        return { ok: true };
      },
    );
    server.get('/gone/:id', (_request, reply) => reply.callNotFound());
    server.get('/items/:id', (request, reply) => {
      const { id } = request.params as { id: string };
      if (id === 'boom') throw new Error('boom');
      void reply.code(id === 'missing' ? 404 : 200).send({ id });
    });
    server.route({ method: ['PUT', 'PATCH'], url: '/items/:id', handler: () => ({ ok: true }) });
    server.get('/metrics', () => 'scrape');
    server.get('/health/live', () => ({ status: 'ok' }));
    await server.ready();
  });

  afterEach(() => server.close());

  it('counts each request once by method, route pattern and status, never by its raw path', async () => {
    for (const url of ['/items/1', '/items/2', '/items/missing', '/items/boom'])
      await server.inject({ method: 'GET', url });
    await server.inject({ method: 'HEAD', url: '/items/3' });
    await server.inject({ method: 'PATCH', url: '/items/4' });
    expect(await counts(registry)).toEqual({
      'GET /items/:id 200': 2,
      'GET /items/:id 404': 1,
      'GET /items/:id 500': 1,
      'HEAD /items/:id 200': 1,
      'PATCH /items/:id 200': 1,
    });
  });

  it('counts an unknown path and one the router cannot read under one unmatched route', async () => {
    await server.inject({ method: 'GET', url: '/nothing/1' });
    await server.inject({ method: 'GET', url: '/items/%ff' });
    await server.inject({ method: 'POST', url: '/items/1' });
    expect(await counts(registry)).toEqual({ 'GET unmatched 404': 2, 'POST unmatched 404': 1 });
  });

  it('counts a body refused on an unknown path (too large, unreadable), and a request its route hands to the not-found handler, once as unmatched', async () => {
    await server.inject({
      method: 'POST',
      url: '/nothing',
      payload: { big: 'x'.repeat(1_100_000) },
    });
    await server.inject({
      method: 'POST',
      url: '/nothing',
      payload: '{"big":',
      headers: { 'content-type': 'application/json' },
    });
    await server.inject({ method: 'GET', url: '/gone/1' });
    expect(await counts(registry)).toEqual({
      'POST unmatched 413': 1,
      'POST unmatched 400': 1,
      'GET unmatched 404': 1,
    });
  });

  it('counts a request whose client hung up before the answer as aborted, and not as answered', async () => {
    await server.listen({ port: 0, host: '127.0.0.1' });
    await hangUpOn(server, '/slow', slow.handling);
    await eventually(
      () => abortedCounts(registry),
      (aborted) => 'GET /slow' in aborted,
      'the hang-up counted',
      10_000,
      10,
    );
    slow.release();
    await slow.answered;
    // An answer Fastify still sent would be counted once its write ended, a turn of the loop on.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([await counts(registry), await abortedCounts(registry)]).toEqual([
      {},
      { 'GET /slow': 1 },
    ]);
  });

  it('leaves the scrape and the probes out', async () => {
    await server.inject({ method: 'GET', url: '/metrics' });
    await server.inject({ method: 'GET', url: '/health/live' });
    expect(await counts(registry)).toEqual({});
  });

  it("times a request with the reply's elapsed time, in seconds", async () => {
    await server.inject({ method: 'GET', url: '/items/1' });
    const sum = /^http_request_duration_seconds_sum\{[^}]*\} (\S+)$/m.exec(
      await registry.metrics(),
    );
    expect(Number(sum?.[1])).toBeGreaterThan(0);
    expect(Number(sum?.[1])).toBeLessThan(1);
  });
});
