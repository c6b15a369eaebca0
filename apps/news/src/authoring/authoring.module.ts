import { CounterStore, REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { ArticlesModule } from '../articles/articles.module';
import { JobOutboxModule } from '../outbox/job-outbox.module';
import { ArticleCountersReader } from './article-counters.reader';
import { ArticleHtmlSanitiser } from './article-html.sanitiser';
import { ArticleReadingStatsReader } from './article-reading-stats.reader';
import { AuthoringGrpcController } from './authoring.grpc.controller';
import { AuthoringRepository } from './authoring.repository';
import { AuthoringService } from './authoring.service';

/** The write side of articles (media platform authors, MIS review); needs `QueueModule.forRoot` in the app. */
@Module({
  imports: [ArticlesModule, JobOutboxModule],
  controllers: [AuthoringGrpcController],
  providers: [
    AuthoringRepository,
    AuthoringService,
    ArticleCountersReader,
    ArticleReadingStatsReader,
    ArticleHtmlSanitiser,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
  ],
})
export class AuthoringModule {}
