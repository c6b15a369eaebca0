import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG } from '@app/config';
import type { authoringV1, channelV1 } from '@app/contracts';
import { AUTHORING_GRPC, CHANNEL_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';

import { checkListedChannels, createdRange } from '../articles/article-filters';
import { articleIdParam } from '../articles/article-id.param';
import type { MediaPlatformConfig } from '../config/media-platform.config';
import { type MpArticleStatistics, presentArticleStatistics } from './article-statistics.presenter';
import { AuthorStatisticsQueryDto } from './dto/author-statistics-query.dto';

/** Article statistics of the signed-in author (only YApi mocks in the original; real numbers here). */
@Controller('v1_0/statistics')
@Auth('verified')
export class ArticleStatisticsHttpController {
  constructor(
    @InjectGrpcClient(AUTHORING_GRPC)
    private readonly authoring: authoringV1.AuthoringServiceClient,
    @InjectGrpcClient(CHANNEL_GRPC) private readonly channels: channelV1.ChannelServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'TZ'>,
  ) {}

  /**
   * Totals over the author's articles that are not deleted, from the live counters; with
   * `channel_id` and `begin_pubdate`/`end_pubdate`, over those in the channels and published on
   * those days (as the article list filters).
   */
  @Get('articles')
  async totals(
    @CurrentUser() user: AuthUser,
    @Query() query: AuthorStatisticsQueryDto,
  ): Promise<{
    read_count: number;
    comment_count: number;
    collect_count: number;
    repost_count: number;
  }> {
    const range = createdRange(query.begin_pubdate, query.end_pubdate, this.config.TZ);
    const channelIds = query.channel_id ?? [];
    await checkListedChannels(this.channels, channelIds);
    const totals = await unary(
      this.authoring.getAuthorStatistics({ userId: user.userId, channelIds, ...range }),
    );
    return {
      read_count: Number(totals.readCount),
      comment_count: Number(totals.commentCount),
      collect_count: Number(totals.collectCount),
      repost_count: Number(totals.repostCount),
    };
  }

  /** An id that is no positive integer names no article, as on `/articles/{id}` (404). */
  @Get('articles/:id')
  async article(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<MpArticleStatistics> {
    const articleId = articleIdParam(id);
    return presentArticleStatistics(
      await unary(this.authoring.getArticleStatistics({ userId: user.userId, articleId })),
    );
  }
}
