import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ChannelEntity } from './channel.entity';
import { ChannelsGrpcController } from './channels.grpc.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';

@Module({
  imports: [TypeOrmModule.forFeature([ChannelEntity])],
  controllers: [ChannelsGrpcController],
  providers: [ChannelsRepository, ChannelsService],
})
export class ChannelsModule {}
