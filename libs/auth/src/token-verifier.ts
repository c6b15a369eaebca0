import type { KeyObject } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { type SecretOrKeyProvider, Strategy as JwtStrategy } from 'passport-jwt';

import type { JwtKeySet } from './key-set';
import type { TokenType, VerifiedToken } from './token-claims';
import { TokenErrors } from './token.errors';

interface DecodedHeader {
  header?: { kid?: unknown };
}

/** All the strategy reads of a request: the token, taken whole (see `jwtFromRequest`). */
interface TokenRequest {
  token: string;
}

/** The strategy for one check, with the outcome callbacks passport's middleware would add. */
interface StrategyRun {
  authenticate(request: TokenRequest): void;
  success(user: unknown): void;
  fail(): void;
  error(error: Error): void;
}

/**
 * Verifies tokens locally with the public keys, through passport-jwt's strategy: RS256 only (so
 * `alg:none` and HS256 signed with the public key are refused), known `kid`, unexpired,
 * well-formed claims. Verified tokens are kept in a small LRU until they expire, so the RSA cost
 * (and the strategy) is paid once per token.
 */
export class TokenVerifier {
  private readonly jwt = new JwtService({});
  private readonly strategy: JwtStrategy;
  private readonly verified: LRUCache<string, VerifiedToken>;

  constructor(keys: JwtKeySet, cacheSize = 10_000) {
    const keyOfKid = (
      _request: TokenRequest,
      token: string,
      done: (error: Error | null, key?: KeyObject) => void,
    ): void => {
      const kid = this.kidOf(token);
      const key = typeof kid === 'string' ? keys.verifyingKey(kid) : undefined;
      if (key) done(null, key);
      else done(TokenErrors.invalid());
    };
    this.strategy = new JwtStrategy(
      {
        // Callers hand over the token itself; passport-jwt's Authorization-header extractor
        // would take only its first word, so a token with trailing text could pass.
        jwtFromRequest: (request: TokenRequest) => request.token,
        // jsonwebtoken takes the parsed KeyObject, which the typings (string or Buffer) omit.
        secretOrKeyProvider: keyOfKid as SecretOrKeyProvider,
        algorithms: ['RS256'],
      },
      (payload: unknown, done: (error: null, user: VerifiedToken | false) => void) =>
        done(null, isUserTokenPayload(payload) ? payload : false),
    );
    this.verified = new LRUCache({ max: cacheSize });
  }

  /** Claims of a valid token of either type; throws 401 `Token has some errors.` otherwise. */
  verify(token: string): VerifiedToken {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp * 1000 > Date.now()) return cached;
      this.verified.delete(token);
      throw TokenErrors.invalid();
    }
    const claims = this.verifySignature(token);
    this.verified.set(token, claims, { ttl: Math.max(1, claims.exp * 1000 - Date.now()) });
    return claims;
  }

  /** Like `verify`, and the token must be of the given type (reference messages for misuse). */
  verifyAs(token: string, type: TokenType): VerifiedToken {
    const claims = this.verify(token);
    if (claims.typ !== type) {
      throw type === 'access' ? TokenErrors.refreshUsedAsAccess() : TokenErrors.wrongRefreshToken();
    }
    return claims;
  }

  private kidOf(token: string): unknown {
    try {
      return this.jwt.decode<DecodedHeader | null>(token, { complete: true })?.header?.kid;
    } catch {
      // Under a `typ: JWT` header jws parses the payload too, and throws on one that is not JSON.
      return undefined;
    }
  }

  /**
   * Runs the strategy as passport's `authenticate` middleware does (a copy with outcome callbacks),
   * without passport's global state. Key lookup, jsonwebtoken's check and the claims check all
   * answer before `authenticate` returns.
   */
  private verifySignature(token: string): VerifiedToken {
    let claims: VerifiedToken | undefined;
    let failure: Error | undefined;
    let answered = false;
    const run = Object.create(this.strategy) as StrategyRun;
    run.success = (user) => {
      answered = true;
      if (isUserTokenPayload(user)) claims = user;
    };
    run.fail = () => {
      answered = true;
    };
    // A fault, not a refusal: passport's middleware hands it on (a 500).
    run.error = (error) => {
      answered = true;
      failure = error;
    };
    run.authenticate({ token });
    if (!answered) throw new Error('passport-jwt answered after authenticate returned');
    if (failure) throw failure;
    if (!claims) throw TokenErrors.invalid();
    return claims;
  }
}

function isUserTokenPayload(value: unknown): value is VerifiedToken {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  const typeMatchesFlag =
    (claims.typ === 'access' && claims.refresh === false) ||
    (claims.typ === 'refresh' && claims.refresh === true);
  return (
    typeof claims.user_id === 'string' &&
    /^\d{1,20}$/.test(claims.user_id) &&
    typeof claims.sid === 'string' &&
    typeof claims.exp === 'number' &&
    typeof claims.iat === 'number' &&
    typeMatchesFlag &&
    (claims.verified === undefined || typeof claims.verified === 'boolean')
  );
}
