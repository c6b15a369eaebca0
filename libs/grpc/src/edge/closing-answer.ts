import type { FastifyInstance } from 'fastify';

import { ErrorKind, ERROR_TABLE } from '../errors';
import { JSON_CONTENT_TYPE } from './response-envelope.hook';

const UNAVAILABLE = ERROR_TABLE[ErrorKind.Unavailable];

/**
 * Answers 503 in the envelope to a request that arrives while the app closes (on a connection it
 * keeps until its requests in progress end), from a request hook added after the security
 * headers' and CORS's, so the answer carries them; the requests in progress are answered with
 * `Connection: close`. Create the app with `return503OnClosing: false`:
 * Fastify's own 503 comes before every hook.
 */
export function useClosingAnswer(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply
      .code(UNAVAILABLE.http)
      .header('content-type', JSON_CONTENT_TYPE)
      .header('connection', 'close')
      .send(JSON.stringify({ message: UNAVAILABLE.defaultMessage }));
  });
  // A request in progress as the app closes is answered, then its connection closed: kept, it
  // would hold the close until the client left it or Fastify's keep-alive timeout (72 s) passed.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}
