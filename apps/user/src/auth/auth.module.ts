import {
  DEFAULT_TOKEN_LIFETIMES,
  JwtKeySet,
  SessionStore,
  TokenSigner,
  TokenVerifier,
} from '@app/auth';
import { REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { QueueModule, QueueName } from '@app/queue';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import type { UserConfig } from '../config/user.config';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccountsRepository } from './accounts.repository';
import { AuthGrpcController } from './auth.grpc.controller';
import { AuthService } from './auth.service';
import { SmsCodeStore } from './sms-code.store';
import { SmsRateLimiter } from './sms-rate-limiter';

@Module({
  imports: [QueueModule.registerQueues(QueueName.Sms), NotificationsModule],
  controllers: [AuthGrpcController],
  providers: [
    AuthService,
    AccountsRepository,
    SmsCodeStore,
    SmsRateLimiter,
    {
      provide: JwtKeySet,
      inject: [APP_CONFIG],
      useFactory: (config: UserConfig) =>
        JwtKeySet.fromDirectory(config.JWT_KEYS_DIR, config.JWT_SIGNING_KID),
    },
    {
      provide: TokenSigner,
      inject: [JwtKeySet],
      useFactory: (keys: JwtKeySet) => new TokenSigner(keys),
    },
    {
      provide: TokenVerifier,
      inject: [JwtKeySet],
      useFactory: (keys: JwtKeySet) => new TokenVerifier(keys),
    },
    {
      provide: SessionStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new SessionStore(redis, DEFAULT_TOKEN_LIFETIMES.refreshSeconds),
    },
  ],
})
export class AuthModule {}
