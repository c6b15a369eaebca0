import type { FastifyInstance } from 'fastify';

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Reads a request that names JSON as its content type but carries no body as one sent without a
 * body. Clients that send `Content-Type: application/json` on every call (a mini program's
 * wx.request, a fetch wrapper with a fixed header) send it with the empty body of a DELETE and of
 * the token refresh, which the reference never read; Fastify refused them all 400 `Body cannot be
 * empty…`. A route that needs a body answers its missing fields, as for any request without one.
 */
export function readEmptyJsonAsNoBody(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const { headers } = request.raw;
    const empty =
      headers['transfer-encoding'] === undefined &&
      (headers['content-length'] === undefined || headers['content-length'] === '0');
    if (empty && JSON_MEDIA_TYPE.test(headers['content-type'] ?? '')) delete headers['content-type'];
    done();
  });
}
