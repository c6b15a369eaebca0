import { Module } from '@nestjs/common';

import { ArticleStatisticsHttpController } from './article-statistics.http.controller';

/** Article statistics (the follower statistics live with the followers feature). */
@Module({ controllers: [ArticleStatisticsHttpController] })
export class ArticleStatisticsModule {}
