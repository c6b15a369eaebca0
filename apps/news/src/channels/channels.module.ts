import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ChannelEntity } from './channel.entity';
import { ChannelsGrpcController } from './channels.grpc.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';
import { UserChannelEntity } from './user-channel.entity';
import { UserChannelsCache } from './user-channels.cache';
import { UserChannelsRepository } from './user-channels.repository';
import { UserChannelsService } from './user-channels.service';

@Module({
  imports: [TypeOrmModule.forFeature([ChannelEntity, UserChannelEntity])],
  controllers: [ChannelsGrpcController],
  providers: [
    ChannelsRepository,
    ChannelsService,
    UserChannelsRepository,
    UserChannelsCache,
    UserChannelsService,
  ],
})
export class ChannelsModule {}
