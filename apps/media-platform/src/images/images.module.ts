import { APP_CONFIG } from '@app/config';
import { StorageModule, storageOptionsFromEnv } from '@app/storage';
import { Module } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { ImagesHttpController } from './images.http.controller';
import { MultipartImageReader } from './multipart-image.reader';

@Module({
  imports: [
    StorageModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: MediaPlatformConfig) => storageOptionsFromEnv(config),
    }),
  ],
  controllers: [ImagesHttpController],
  providers: [MultipartImageReader],
})
export class ImagesModule {}
