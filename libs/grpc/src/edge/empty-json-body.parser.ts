import type { FastifyInstance } from 'fastify';

/**
 * Reads a request that names JSON as its content type but carries no body as one sent without a
 * body. Clients that send `Content-Type: application/json` on every call (a mini program's
 * wx.request, a fetch wrapper with a fixed header) send it with the empty body of a DELETE and of
 * the token refresh, which the reference never read; Fastify refused them all 400 `Body cannot be
 * empty…`. A route that needs a body answers its missing fields, as for any request without one.
 *
 * The JSON parser decides, not a hook on the headers: a body sent chunked shows that it is empty
 * only once read, and a GET, which has no body to parse, pays nothing. Any other body goes to
 * Fastify's own parser, with the app's prototype-poisoning settings.
 */
export function readEmptyJsonAsNoBody(fastify: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser<string>(
    'application/json',
    { parseAs: 'string' },
    (request, body, done) => {
      if (body.length === 0) done(null, undefined);
      else void parseJson(request, body, done);
    },
  );
}
