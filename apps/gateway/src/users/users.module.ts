import { APP_CONFIG } from '@app/config';
import { StorageModule, storageOptionsFromEnv } from '@app/storage';
import { Module } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { ProfileImageStore } from './profile-images';
import { ProfilePresenter } from './profile.presenter';
import { UserCardPresenter } from './user-card.presenter';
import { UserProfileHttpController } from './user-profile.http.controller';
import { UsersHttpController } from './users.http.controller';

@Module({
  imports: [
    StorageModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: GatewayConfig) => storageOptionsFromEnv(config),
    }),
  ],
  controllers: [UsersHttpController, UserProfileHttpController],
  providers: [UserCardPresenter, ProfilePresenter, ProfileImageStore],
})
export class UsersModule {}
