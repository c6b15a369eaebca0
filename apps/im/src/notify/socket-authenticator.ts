import { type SessionStore, TokenErrors, type TokenVerifier } from '@app/auth';

import type { SocketIdentity } from '../realtime/socket.types';
import { type HandshakeQuery, readHandshakeCredentials } from './handshake-credentials';

/**
 * Decides who a socket belongs to. A token must be a valid access token whose session is still
 * alive, as on the HTTP edge: a logout or a freeze must also close the door to notifications.
 */
export class SocketAuthenticator {
  constructor(
    private readonly verifier: Pick<TokenVerifier, 'verifyAs'>,
    private readonly sessions: Pick<SessionStore, 'status'>,
  ) {}

  /** `socketId` names a socket that came with no credentials at all, for the chatbot. */
  async authenticate(query: HandshakeQuery, socketId: string): Promise<SocketIdentity> {
    const credentials = readHandshakeCredentials(query);
    if (credentials.kind === 'none') return { kind: 'anonymous', anonymousId: socketId };
    if (credentials.kind === 'anonymous') return credentials;
    const claims = this.verifier.verifyAs(credentials.token, 'access');
    const status = await this.sessions.status(claims.sid);
    if (status === null) throw TokenErrors.invalid();
    if (status === 'denied') throw TokenErrors.userDenied();
    return {
      kind: 'user',
      userId: claims.user_id,
      sessionId: claims.sid,
      expiresAt: claims.exp * 1000,
    };
  }

  /** Whether the session a socket was let in with is still live (not logged out, frozen or gone). */
  async sessionIsLive(sessionId: string): Promise<boolean> {
    return (await this.sessions.status(sessionId)) === 'active';
  }
}
