import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';

import { HttpRequestMetrics } from './http-request-metrics';

const COUNT_LINE = /^http_request_duration_seconds_count\{method="(\w+)",route="([^"]+)",status="(\d+)"\} (\d+)$/gm;

/** Each series' request count, as `METHOD route status`. */
async function counts(registry: Registry): Promise<Record<string, number>> {
  return Object.fromEntries(
    [...(await registry.metrics()).matchAll(COUNT_LINE)].map(([, method, route, status, count]) => [
      `${method} ${route} ${status}`,
      Number(count),
    ]),
  );
}

describe('HttpRequestMetrics', () => {
  let server: FastifyInstance;
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry();
    const requests = new HttpRequestMetrics(registry);
    server = Fastify({
      frameworkErrors: (_error, request: FastifyRequest, reply: FastifyReply) => {
        requests.countUnmatched(request, reply);
        void reply.code(404).send({ message: 'unroutable' });
      },
    });
    requests.watchRoutes(server);
    server.setNotFoundHandler((request, reply) => {
      requests.countUnmatched(request, reply);
      void reply.code(404).send({ message: 'not found' });
    });
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

  it('leaves the scrape and the probes out', async () => {
    await server.inject({ method: 'GET', url: '/metrics' });
    await server.inject({ method: 'GET', url: '/health/live' });
    expect(await counts(registry)).toEqual({});
  });

  it("times a request with the reply's elapsed time, in seconds", async () => {
    await server.inject({ method: 'GET', url: '/items/1' });
    const sum = /^http_request_duration_seconds_sum\{[^}]*\} (\S+)$/m.exec(await registry.metrics());
    expect(Number(sum?.[1])).toBeGreaterThan(0);
    expect(Number(sum?.[1])).toBeLessThan(1);
  });
});
