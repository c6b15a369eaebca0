import type { FastifyInstance, FastifyRequest } from 'fastify';

import { RAW_RESPONSE } from './raw-response.decorator';

export interface Envelope<T> {
  message: 'OK';
  data: T;
}

/**
 * Wraps successful JSON results as `{"message":"OK","data":…}` in Fastify's preSerialization
 * hook (cheaper per request than a Nest interceptor). Error bodies (status ≥ 300), empty
 * replies (204), strings and streams, and `@RawResponse()` routes are sent as they are.
 */
export function useResponseEnvelope(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    if (reply.statusCode >= 300 || isRaw(request)) done(null, payload);
    else done(null, { message: 'OK', data: payload } satisfies Envelope<unknown>);
  });
}

function isRaw(request: FastifyRequest): boolean {
  const config: object | undefined = request.routeOptions.config;
  return config !== undefined && RAW_RESPONSE in config && config[RAW_RESPONSE] === true;
}

/**
 * The envelope's JSON before and after the value, for routes that write their answer themselves
 * (`@Header('content-type', JSON_CONTENT_TYPE)` and a Buffer of `ENVELOPE_HEAD`, the value's JSON,
 * `ENVELOPE_TAIL`).
 */
export const ENVELOPE_HEAD = '{"message":"OK","data":';
export const ENVELOPE_TAIL = '}';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
