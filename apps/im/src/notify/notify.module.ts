import { SessionStore, TokenVerifier } from '@app/auth';
import { REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { NotifyGateway } from './notify.gateway';
import { SocketAuthenticator } from './socket-authenticator';

@Module({
  providers: [
    NotifyGateway,
    {
      provide: SocketAuthenticator,
      inject: [TokenVerifier, REDIS_STATE],
      // The TTL only matters when creating sessions, which this app never does.
      useFactory: (verifier: TokenVerifier, state: Redis) =>
        new SocketAuthenticator(verifier, new SessionStore(state, 0)),
    },
  ],
})
export class NotifyModule {}
