import { type DynamicModule, Module } from '@nestjs/common';

import { JwtKeySet } from './key-set';
import { TokenVerifier } from './token-verifier';

/** Local token verification for edge apps: the public keys and a `TokenVerifier`. */
@Module({})
export class AuthModule {
  static forRoot(options: { keysDir: string } | { keySet: JwtKeySet }): DynamicModule {
    const keySet = 'keySet' in options ? options.keySet : JwtKeySet.fromDirectory(options.keysDir);
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: JwtKeySet, useValue: new JwtKeySet(keySet.publicKeys) },
        { provide: TokenVerifier, useFactory: (keys: JwtKeySet) => new TokenVerifier(keys), inject: [JwtKeySet] },
      ],
      exports: [JwtKeySet, TokenVerifier],
    };
  }
}
