import { Module } from '@nestjs/common';

import { UserCardPresenter } from './user-card.presenter';
import { UsersHttpController } from './users.http.controller';

@Module({
  controllers: [UsersHttpController],
  providers: [UserCardPresenter],
})
export class UsersModule {}
