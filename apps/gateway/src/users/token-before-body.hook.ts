import {
  parseAuthorization,
  signInRequiredRefusal,
  TokenErrors,
  type TokenVerifier,
} from '@app/auth';
import { toHttpError } from '@app/grpc';
import type { onRequestHookHandler } from 'fastify';

/**
 * Refuses a request that carries no valid access token before its body is read, with the answer
 * the AuthGuard would give. Routes taking base64 images accept bodies of tens of MiB, which
 * Fastify would otherwise buffer and parse for anyone before the guard runs. The guard still
 * checks the session afterwards.
 */
export function tokenBeforeBody(verifier: TokenVerifier): onRequestHookHandler {
  return (request, reply, done) => {
    try {
      const credentials = parseAuthorization(request.headers.authorization);
      if (credentials.kind !== 'bearer') throw TokenErrors.missing();
      verifier.verifyAs(credentials.token, 'access');
    } catch (error) {
      const { status, body } = toHttpError(signInRequiredRefusal(error));
      // The unread body is not drained: the connection closes with the answer.
      void reply.code(status).header('connection', 'close').send(body);
      return;
    }
    done();
  };
}
