import { REDIS_STATE } from '@app/cache';
import { AppError, ErrorKind } from '@app/grpc';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

import { parseAuthorization } from './bearer';
import { SessionStore, type SessionStatus } from './session-store';
import { TokenVerifier } from './token-verifier';
import { signInRequiredRefusal, TokenErrors } from './token.errors';

/** The signed-in user of a request. */
export interface AuthUser {
  userId: string;
  sid: string;
  verified: boolean;
}

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  authUser?: AuthUser;
  /** `Anony <device-id>` callers (feed recommendations). */
  anonymousId?: string;
}

/**
 * `required`: reference guard L (401 `User must be authorized.` without a token that signs someone
 * in, 403 for refresh tokens and denied users). `optional`: guard O (a bad token is 401
 * `Token has some errors.`, no token is anonymous). `lenient`: the
 * reference's routes without a guard that use the token if it is valid (any other is anonymous).
 * `verified`: guard V of the media platform (the token must carry `verified`).
 */
export type AuthMode = 'required' | 'optional' | 'lenient' | 'verified';

export const AUTH_MODE = 'auth:mode';

export const Auth = (mode: AuthMode = 'required'): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE, mode);

/** The signed-in user; undefined on `optional` routes called anonymously. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().authUser,
);

/** How long a replica may trust a session status it read; bounds how late it sees a logout. */
export const SESSION_STATUS_CACHE_MS = 500;

/** The session statuses this replica read, each trusted for at most SESSION_STATUS_CACHE_MS. */
@Injectable()
export class SessionStatusCache {
  private readonly statuses = new LRUCache<string, SessionStatus | 'gone'>({
    max: 50_000,
    ttl: SESSION_STATUS_CACHE_MS,
  });

  get(sid: string): SessionStatus | 'gone' | undefined {
    return this.statuses.get(sid);
  }

  /**
   * Keeps an ended session ended: a read sent before the sign-out may answer it live after it, and
   * an ended session never lives again.
   */
  set(sid: string, status: SessionStatus | 'gone'): void {
    if (this.statuses.peek(sid) === 'gone') return;
    this.statuses.set(sid, status);
  }

  /** A session this replica ended (a logout): its tokens are refused here at once, not once its read status lapses. */
  ended(sid: string): void {
    this.statuses.set(sid, 'gone');
  }
}

/**
 * Verifies the access token locally (no gRPC), then asks the shared session store whether its
 * session is alive, caching the answer for at most SESSION_STATUS_CACHE_MS.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly sessions: SessionStore;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(REDIS_STATE) redis: Redis,
    private readonly statuses: SessionStatusCache,
  ) {
    this.sessions = new SessionStore(redis, 0);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!mode) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const credentials = parseAuthorization(Array.isArray(header) ? header[0] : header);
    if (credentials.kind === 'anonymous') request.anonymousId = credentials.deviceId;
    if (credentials.kind !== 'bearer') {
      if (header && mode === 'optional' && credentials.kind === 'none') throw TokenErrors.invalid();
      if (mode === 'optional' || mode === 'lenient') return true;
      throw TokenErrors.missing();
    }
    try {
      await this.authenticate(request, credentials.token, mode);
    } catch (error) {
      if (mode === 'optional') throw error;
      if (mode !== 'lenient') throw signInRequiredRefusal(error);
      // A token that does not sign anyone in; a store that cannot say still fails the request.
      if (!isRefusal(error)) throw error;
    }
    return true;
  }

  private async authenticate(
    request: AuthenticatedRequest,
    token: string,
    mode: AuthMode,
  ): Promise<void> {
    const claims = this.verifier.verifyAs(token, 'access');
    const status = await this.sessionStatus(claims.sid);
    if (status === 'gone') throw TokenErrors.invalid();
    if (status === 'denied') throw TokenErrors.userDenied();
    if (mode === 'verified' && claims.verified !== true) throw TokenErrors.notVerified();
    request.authUser = {
      userId: claims.user_id,
      sid: claims.sid,
      verified: claims.verified === true,
    };
  }

  private async sessionStatus(sid: string): Promise<SessionStatus | 'gone'> {
    const cached = this.statuses.get(sid);
    if (cached) return cached;
    const status = (await this.sessions.status(sid)) ?? 'gone';
    this.statuses.set(sid, status);
    return status;
  }
}

function isRefusal(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.kind === ErrorKind.Unauthenticated || error.kind === ErrorKind.PermissionDenied)
  );
}
