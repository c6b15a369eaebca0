import { REDIS_STATE, RedisLock, RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { ARTICLE_GRPC, CHANNEL_GRPC, GrpcClientModule } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { CandidateIndex } from './candidates/candidate-index';
import { CandidateRefresher } from './candidates/candidate-refresher';
import { CandidateSnapshot } from './candidates/candidate-snapshot';
import { CandidateUpdater } from './candidates/candidate-updater';
import type { RecommendConfig } from './config/recommend.config';
import { RECO_CLOCK } from './feed/clock';
import { ColdStartPublisher } from './feed/cold-start.publisher';
import { FeedHistoryStore } from './feed/feed-history.store';
import { PopularityReader } from './feed/popularity.reader';
import { SharedRankingCache } from './feed/shared-ranking.cache';
import { UserRecommendService } from './feed/user-recommend.service';
import { CandidateHandlers } from './grpc/candidate.handlers';
import { RecommendGrpcServer } from './grpc/recommend-grpc.server';
import { UserRecommendHandlers } from './grpc/user-recommend.handlers';
import { ArticleRecommendService } from './related/article-recommend.service';
import { TitleTokenizer } from './related/title-tokenizer';

@Module({})
export class RecommendModule {
  static forRoot(config: RecommendConfig): DynamicModule {
    return {
      module: RecommendModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'recommend'),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        GrpcClientModule.forRoot(config, [ARTICLE_GRPC, CHANNEL_GRPC]),
      ],
      providers: [
        { provide: RECO_CLOCK, useValue: Date.now },
        {
          provide: RedisLock,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new RedisLock(redis),
        },
        CandidateIndex,
        CandidateSnapshot,
        CandidateRefresher,
        CandidateUpdater,
        TitleTokenizer,
        FeedHistoryStore,
        PopularityReader,
        SharedRankingCache,
        UserRecommendService,
        ColdStartPublisher,
        ArticleRecommendService,
        UserRecommendHandlers,
        CandidateHandlers,
        RecommendGrpcServer,
      ],
    };
  }
}
