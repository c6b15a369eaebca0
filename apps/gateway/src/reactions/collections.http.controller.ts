import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { reactionV1 } from '@app/contracts';
import { InjectGrpcClient, PageQueryDto, REACTION_GRPC, unary } from '@app/grpc';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';

import type { LikedArticleCard, Page } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { ArticleLikingsReader } from '../articles/article-likings.reader';
import { trackingFields } from '../articles/reading-stats.util';
import { TraceLogWriter } from '../articles/trace-log.writer';
import { ArticleTargetDto } from './dto/article-target.dto';
import { articleTargetParam } from './article-target.param';

/** The caller's own collections: there is no way to name another user here. */
@Controller('v1_0/article/collections')
@Auth()
export class CollectionsHttpController {
  constructor(
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
    private readonly cards: ArticleCardsReader,
    private readonly likings: ArticleLikingsReader,
    private readonly traces: TraceLogWriter,
  ) {}

  @Post()
  async collect(
    @CurrentUser() user: AuthUser,
    @Body() body: ArticleTargetDto,
    @Headers('trace') trace: string | undefined,
  ): Promise<{ target: string }> {
    const collected = await unary(
      this.reactions.collectArticle({ userId: user.userId, articleId: body.target }),
    );
    // A header that holds no tracking string is no collect to log, as on the article read.
    if (trace && trackingFields(trace))
      this.traces.write({ trace, channelId: collected.channelId, readTime: '' });
    return { target: collected.articleId };
  }

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<LikedArticleCard>> {
    const page = await unary(
      this.reactions.listCollections({
        userId: user.userId,
        page: query.page ?? 0,
        perPage: query.per_page ?? 0,
      }),
    );
    const cards = await this.cards.read(page.articleIds);
    return {
      total_count: page.totalCount,
      page: page.page,
      per_page: page.perPage,
      results: await this.likings.mark(user.userId, cards),
    };
  }

  @Delete(':target')
  @HttpCode(204)
  async uncollect(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.reactions.uncollectArticle({
        userId: user.userId,
        articleId: articleTargetParam(target),
      }),
    );
  }
}
