/** Which token this is; the reference's `refresh` flag is kept beside it for compatibility. */
export type TokenType = 'access' | 'refresh';

/** Claims of app and media-platform tokens (reference: `user_id`, `refresh`; MP adds `verified`). */
export interface UserTokenClaims {
  user_id: string;
  refresh: boolean;
  typ: TokenType;
  /** Session id; a refresh token and the access tokens it issues share it. */
  sid: string;
  verified?: boolean;
}

export interface VerifiedToken extends UserTokenClaims {
  exp: number;
  iat: number;
  jti?: string;
}
