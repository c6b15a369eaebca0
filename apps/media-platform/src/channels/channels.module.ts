import { Module } from '@nestjs/common';

import { ChannelsHttpController } from './channels.http.controller';

@Module({ controllers: [ChannelsHttpController] })
export class ChannelsModule {}
