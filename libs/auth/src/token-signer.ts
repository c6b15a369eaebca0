import { randomUUID } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';

import type { JwtKeySet } from './key-set';
import type { UserTokenClaims } from './token-claims';

export interface TokenLifetimes {
  accessSeconds: number;
  refreshSeconds: number;
}

/** Reference lifetimes: access token 2 h, refresh token 14 days. */
export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = {
  accessSeconds: 2 * 3600,
  refreshSeconds: 14 * 24 * 3600,
};

/** Signs RS256 tokens with the active key's `kid`. Only the user service constructs one. */
export class TokenSigner {
  private readonly jwt = new JwtService({});

  constructor(
    private readonly keys: JwtKeySet,
    private readonly lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES,
  ) {
    if (!keys.signingKey) throw new Error('TokenSigner needs a key set with a private key');
  }

  signAccess(userId: string, sid: string, extra: { verified?: boolean } = {}): string {
    return this.sign(
      { user_id: userId, refresh: false, typ: 'access', sid, ...extra },
      this.lifetimes.accessSeconds,
    );
  }

  /** A refresh token with its own `jti`, so strict mode can tell rotated tokens apart. */
  signRefresh(
    userId: string,
    sid: string,
    extra: { verified?: boolean } = {},
    jti: string = randomUUID(),
  ): { token: string; jti: string } {
    const token = this.sign(
      { user_id: userId, refresh: true, typ: 'refresh', sid, ...extra },
      this.lifetimes.refreshSeconds,
      jti,
    );
    return { token, jti };
  }

  private sign(claims: UserTokenClaims, expiresIn: number, jwtid?: string): string {
    const key = this.keys.signingKey!;
    return this.jwt.sign(
      { ...claims },
      {
        privateKey: this.keys.signingKeyObject,
        algorithm: 'RS256',
        keyid: key.kid,
        expiresIn,
        ...(jwtid ? { jwtid } : {}),
      },
    );
  }
}
