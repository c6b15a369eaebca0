import { Module } from '@nestjs/common';

import { RecommendChannel } from './recommend.channel';

/** One channel to the recommend service for the feed and the related articles. */
@Module({
  providers: [RecommendChannel],
  exports: [RecommendChannel],
})
export class RecommendChannelModule {}
