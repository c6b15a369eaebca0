import { Module } from '@nestjs/common';

import { FollowersHttpController } from './followers.http.controller';

@Module({ controllers: [FollowersHttpController] })
export class FollowersModule {}
