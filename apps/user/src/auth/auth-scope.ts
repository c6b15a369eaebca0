import { smsCodeKey } from '@app/cache';
import { authV1 } from '@app/contracts';

import { AuthErrors } from './auth.errors';

export type Scope = 'app' | 'mp';

/** The scope of a request; an unspecified scope is a caller bug, refused as bad input. */
export function scopeOf(scope: authV1.AuthScope): Scope {
  switch (scope) {
    case authV1.AuthScope.AUTH_SCOPE_APP:
      return 'app';
    case authV1.AuthScope.AUTH_SCOPE_MP:
      return 'mp';
    case authV1.AuthScope.AUTH_SCOPE_UNSPECIFIED:
    case authV1.AuthScope.UNRECOGNIZED:
      throw AuthErrors.invalidCode();
  }
}

export function codeKey(scope: Scope, mobile: string): string {
  return smsCodeKey(scope, mobile);
}

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
