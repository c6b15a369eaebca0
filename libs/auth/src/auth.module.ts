import { type DynamicModule, Module } from '@nestjs/common';

import { APP_GUARD } from '@nestjs/core';

import { AuthGuard, SessionStatusCache } from './auth.guard';
import { JwtKeySet } from './key-set';
import { TokenVerifier } from './token-verifier';

/** Local token verification for HTTP edge apps: public keys, `TokenVerifier`, and the global `AuthGuard` (needs RedisModule). */
@Module({})
export class AuthModule {
  static forRoot(options: { keysDir: string } | { keySet: JwtKeySet }): DynamicModule {
    const keySet = 'keySet' in options ? options.keySet : JwtKeySet.fromDirectory(options.keysDir);
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: JwtKeySet, useValue: new JwtKeySet(keySet.publicKeys) },
        {
          provide: TokenVerifier,
          useFactory: (keys: JwtKeySet) => new TokenVerifier(keys),
          inject: [JwtKeySet],
        },
        SessionStatusCache,
        // Routes opt in with @Auth(); routes without it are not touched by the guard.
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtKeySet, TokenVerifier, SessionStatusCache],
    };
  }
}
