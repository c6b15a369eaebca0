import { APP_CONFIG } from '@app/config';
import { StorageModule, storageOptionsFromEnv } from '@app/storage';
import { Module } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { MultipartImageReader } from '../images/multipart-image.reader';
import { ProfileHttpController } from './profile.http.controller';

@Module({
  imports: [
    StorageModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: MediaPlatformConfig) => storageOptionsFromEnv(config),
    }),
  ],
  controllers: [ProfileHttpController],
  providers: [MultipartImageReader],
})
export class ProfileModule {}
