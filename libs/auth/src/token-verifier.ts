import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';

import type { JwtKeySet } from './key-set';
import type { TokenType, VerifiedToken } from './token-claims';
import { TokenErrors } from './token.errors';

interface DecodedHeader {
  header?: { alg?: unknown; kid?: unknown };
}

/**
 * Verifies tokens locally with the public keys: RS256 only (so `alg:none` and HS256 signed with
 * the public key are refused), known `kid`, unexpired, well-formed claims. Verified tokens are
 * kept in a small LRU until they expire, so the RSA cost is paid once per token.
 */
export class TokenVerifier {
  private readonly jwt = new JwtService({});
  /** One verifier per `kid`, each with its parsed public key. */
  private readonly verifiers: ReadonlyMap<string, JwtService>;
  private readonly verified: LRUCache<string, VerifiedToken>;

  constructor(keys: JwtKeySet, cacheSize = 10_000) {
    this.verifiers = new Map(
      [...keys.publicKeys.keys()].map((kid) => [kid, new JwtService({ publicKey: keys.verifyingKey(kid) })]),
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

  private verifySignature(token: string): VerifiedToken {
    const decoded = this.jwt.decode<DecodedHeader | null>(token, { complete: true });
    const kid = decoded?.header?.kid;
    if (decoded?.header?.alg !== 'RS256' || typeof kid !== 'string') throw TokenErrors.invalid();
    const verifier = this.verifiers.get(kid);
    if (!verifier) throw TokenErrors.invalid();
    let payload: unknown;
    try {
      payload = verifier.verify(token, { algorithms: ['RS256'] });
    } catch {
      throw TokenErrors.invalid();
    }
    if (!isUserTokenPayload(payload)) throw TokenErrors.invalid();
    return payload;
  }
}

function isUserTokenPayload(value: unknown): value is VerifiedToken {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  const typeMatchesFlag =
    (claims.typ === 'access' && claims.refresh === false) || (claims.typ === 'refresh' && claims.refresh === true);
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
