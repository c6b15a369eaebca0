import { Module } from '@nestjs/common';

import { ArticlesModule } from '../articles/articles.module';
import { AttitudesHttpController } from './attitudes.http.controller';
import { CollectionsHttpController } from './collections.http.controller';
import { ReportsHttpController } from './reports.http.controller';

@Module({
  imports: [ArticlesModule],
  controllers: [CollectionsHttpController, AttitudesHttpController, ReportsHttpController],
})
export class ReactionsModule {}
