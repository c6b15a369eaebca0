import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Controller, Get, Param } from '@nestjs/common';

import { articleIdParam } from '../articles/article-id.param';
import { type MpArticleStatistics, presentArticleStatistics } from './article-statistics.presenter';

/** Article statistics of the signed-in author (only YApi mocks in the original; real numbers here). */
@Controller('v1_0/statistics')
@Auth('verified')
export class ArticleStatisticsHttpController {
  constructor(
    @InjectGrpcClient(AUTHORING_GRPC)
    private readonly authoring: authoringV1.AuthoringServiceClient,
  ) {}

  /** Totals over the author's articles that are not deleted, from the live counters. */
  @Get('articles')
  async totals(
    @CurrentUser() user: AuthUser,
  ): Promise<{
    read_count: number;
    comment_count: number;
    collect_count: number;
    repost_count: number;
  }> {
    const totals = await unary(this.authoring.getAuthorStatistics({ userId: user.userId }));
    return {
      read_count: totals.readCount,
      comment_count: totals.commentCount,
      collect_count: totals.collectCount,
      repost_count: totals.repostCount,
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
