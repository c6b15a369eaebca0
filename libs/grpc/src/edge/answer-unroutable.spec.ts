import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

import { type CorsHook, registerCors } from './cors';
import { answerUnroutable } from './create-http-app';

/**
 * A route constraint whose lookup fails: three parameters make it asynchronous, and its error
 * reaches `frameworkErrors` as FST_ERR_ASYNC_CONSTRAINT (it runs for every request).
 */
const failingConstraint = {
  name: 'failing',
  storage: () => {
    const handlers = new Map<unknown, unknown>();
    return {
      get: (value: unknown) => handlers.get(value) ?? null,
      set: (value: unknown, handler: unknown) => void handlers.set(value, handler),
    };
  },
  deriveConstraint: (_req: unknown, _ctx: unknown, done: (error: Error | null) => void) =>
    done(new Error('constraint store down')),
  validate: () => true,
};

/** A real Fastify whose router hands `answerUnroutable` the errors it raises. */
function newServer(constrained: boolean): FastifyInstance {
  const constraints = {
    failing: failingConstraint,
  } as unknown as FastifyServerOptions['constraints'];
  const server = Fastify({
    frameworkErrors: answerUnroutable,
    ...(constrained ? { constraints } : {}),
  });
  server.get('/items/:id', () => ({ ok: true }));
  if (constrained)
    server.get('/constrained', { constraints: { failing: 'x' } }, () => ({ ok: true }));
  return server;
}

describe('answerUnroutable', () => {
  let server: FastifyInstance;
  let constrained: FastifyInstance;

  beforeAll(async () => {
    server = newServer(false);
    constrained = newServer(true);
    await Promise.all([server.ready(), constrained.ready()]);
  });

  afterAll(async () => {
    await Promise.all([server.close(), constrained.close()]);
  });

  it.each(['/items/%ff', `/items/${'1'.repeat(101)}`])(
    'answers a path the router cannot take (%s) 404 in the error envelope',
    async (url) => {
      const reply = await server.inject({ method: 'GET', url });
      expect([reply.statusCode, reply.json()]).toEqual([404, { message: `Cannot GET ${url}` }]);
    },
  );

  it('answers any other framework error 500 in the error envelope, not as an unknown path', async () => {
    const reply = await constrained.inject({ method: 'GET', url: '/constrained' });
    expect([reply.statusCode, reply.headers['content-type'], reply.json()]).toEqual([
      500,
      'application/json; charset=utf-8',
      { message: 'Internal server error.' },
    ]);
  });

  it('runs the CORS hook of the app, whose headers it would not get otherwise, for a configured origin as for any', async () => {
    const origin = 'http://publish.test';
    let cors: CorsHook | undefined;
    const withCors = Fastify({
      frameworkErrors: (error, request, reply) => answerUnroutable(error, request, reply, cors),
    });
    try {
      cors = await registerCors(withCors, { origin: [origin] });
      withCors.get('/items/:id', () => ({ ok: true }));
      for (const url of ['/items/%ff', '/items/1']) {
        const reply = await withCors.inject({ method: 'GET', url, headers: { origin } });
        expect([url, reply.headers['access-control-allow-origin'], reply.headers.vary]).toEqual([
          url,
          origin,
          'Origin',
        ]);
      }
    } finally {
      await withCors.close();
    }
  });
});
