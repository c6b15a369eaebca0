import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';

/** The CORS of an HTTP app; always answered in a request hook, before any guard. */
export type HttpCorsOptions = Omit<FastifyCorsOptions, 'hook' | 'delegator'>;

/**
 * The CORS of the apps the browser clients call (toutiao-m, the publish admin): each runs on an
 * origin of its own and sends its token in a header, never in a cookie, so every origin may call,
 * as the reference's `CORS(app)` let it. A preflight answers with these methods and the headers it
 * asked for.
 */
export const OPEN_CORS: HttpCorsOptions = {
  origin: '*',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  // Every OPTIONS is answered as a preflight, as the reference's Flask answered every OPTIONS: the
  // strict check answered one without Origin or a requested method 400 in plain text.
  strictPreflight: false,
};

/**
 * The CORS headers of every answer under `options` that need no request to be known: the origin
 * when it is one fixed value. They go on an answer given without a request, a raw 400 for one.
 */
export function fixedCorsHeaders(
  options: HttpCorsOptions | undefined,
): Readonly<Record<string, string>> {
  return typeof options?.origin === 'string'
    ? { 'access-control-allow-origin': options.origin }
    : {};
}

/** The request hook of @fastify/cors: sets an answer's CORS headers, or answers a preflight. */
export type CorsHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

/**
 * Registers @fastify/cors on the root instance and hands back the request hook it added, so that
 * an answer given before any hook runs (a path the router cannot take) carries the same headers.
 * The plugin's own hook, not `app.enableCors()`, whose wrapper copies the headers to the raw
 * response on every request for Nest middleware these apps have none of (1.5 µs a request
 * against 0.5).
 */
export async function registerCors(
  fastify: FastifyInstance,
  options: HttpCorsOptions,
): Promise<CorsHook> {
  let requestHook: CorsHook | undefined;
  const register = (instance: FastifyInstance, _: unknown, done: (error?: Error) => void) => {
    const watched = new Proxy(instance, {
      get(target, property) {
        if (property === 'addHook')
          return (name: 'onRequest', hook: CorsHook) => {
            requestHook = hook;
            return target.addHook(name, hook);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    fastifyCors(watched, options, done);
  };
  // As fastify-plugin marks a plugin: its hook goes on the root, for every route.
  await fastify.register(Object.assign(register, { [Symbol.for('skip-override')]: true }));
  if (requestHook === undefined) throw new Error('@fastify/cors added no request hook');
  return requestHook;
}
