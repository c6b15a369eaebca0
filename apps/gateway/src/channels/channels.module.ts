import { Module } from '@nestjs/common';

import { ChannelsHttpController } from './channels.http.controller';
import { UserChannelsHttpController } from './user-channels.http.controller';

@Module({ controllers: [ChannelsHttpController, UserChannelsHttpController] })
export class ChannelsModule {}
