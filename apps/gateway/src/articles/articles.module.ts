import { Module } from '@nestjs/common';

import { RecommendChannelModule } from '../recommend/recommend-channel.module';
import { UserCardPresenter } from '../users/user-card.presenter';
import { AnonymousArticlePages } from './anonymous-article-pages';
import { ArticleCardsReader } from './article-cards.reader';
import { ArticleDetailReader } from './article-detail.reader';
import { ArticleLikingsReader } from './article-likings.reader';
import { ArticlesHttpController } from './articles.http.controller';
import { AuthorsReader } from './authors.reader';
import { ChannelPinsReader } from './channel-pins.reader';
import { FollowingReader } from './following.reader';
import { GoneArticlesReader } from './gone-articles.reader';
import { HotCounters } from './hot-counters';
import { ReadingStatsRecorder } from './reading-stats.recorder';
import { ReadingTracker } from './reading-tracker';
import { RelatedArticlesClient } from './related-articles.client';
import { TraceLogWriter } from './trace-log.writer';
import { UserArticlesHttpController } from './user-articles.http.controller';
import { ViewerStateReader } from './viewer-state.reader';

/**
 * The article read model of the gateway. Exports the one card assembler (`ArticleCardsReader`),
 * the follow check (`FollowingReader`), `is_liking` (`ArticleLikingsReader`), the trace log and
 * the exposure counter (`ReadingStatsRecorder.recordExposures`) for the other article lists.
 */
@Module({
  imports: [RecommendChannelModule],
  controllers: [ArticlesHttpController, UserArticlesHttpController],
  providers: [
    AnonymousArticlePages,
    ArticleCardsReader,
    ArticleDetailReader,
    ArticleLikingsReader,
    AuthorsReader,
    ChannelPinsReader,
    FollowingReader,
    GoneArticlesReader,
    HotCounters,
    ReadingStatsRecorder,
    ReadingTracker,
    RelatedArticlesClient,
    TraceLogWriter,
    // Stateless (config only): its own instance keeps this module free of the users module's storage wiring.
    UserCardPresenter,
    ViewerStateReader,
  ],
  exports: [
    ArticleCardsReader,
    FollowingReader,
    HotCounters,
    ReadingTracker,
    ArticleLikingsReader,
    ChannelPinsReader,
    ReadingStatsRecorder,
    TraceLogWriter,
  ],
})
export class ArticlesModule {}
