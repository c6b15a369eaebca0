import { Module } from '@nestjs/common';

import { UserCardPresenter } from '../users/user-card.presenter';
import { RelationsHttpController } from './relations.http.controller';

@Module({
  controllers: [RelationsHttpController],
  // Stateless (config only): its own instance here keeps this module free of the users module's storage wiring.
  providers: [UserCardPresenter],
})
export class RelationsModule {}
