import { Module } from '@nestjs/common';

import { ArticlesModule } from '../articles/articles.module';
import { RecommendChannelModule } from '../recommend/recommend-channel.module';
import { ChannelArticlesReader } from './channel-articles.reader';
import { FeedBatchDealer } from './feed-batch.dealer';
import { FeedBatchStore } from './feed-batch.store';
import { FeedHttpController } from './feed.http.controller';
import { FeedMetrics } from './feed.metrics';
import { HomeFeedReader } from './home-feed.reader';
import { LatestPagesReader } from './latest-pages.reader';
import { UserRecommendClient } from './user-recommend.client';
import { VisibleChannelsReader } from './visible-channels.reader';

/** The home feed (recommend batches with a latest-articles fallback) and its counters. */
@Module({
  imports: [ArticlesModule, RecommendChannelModule],
  controllers: [FeedHttpController],
  providers: [
    ChannelArticlesReader,
    FeedBatchDealer,
    FeedBatchStore,
    FeedMetrics,
    HomeFeedReader,
    LatestPagesReader,
    UserRecommendClient,
    VisibleChannelsReader,
  ],
})
export class FeedModule {}
