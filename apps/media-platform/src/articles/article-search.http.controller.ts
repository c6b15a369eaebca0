import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG } from '@app/config';
import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Controller, Get, Inject, Query } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { type MpArticleItem, type Page, presentArticleItem } from './article.presenter';
import { SearchArticlesQueryDto } from './dto/search-articles-query.dto';

const DEFAULT_PER_PAGE = 10;

/**
 * The author's search of their own articles (every status but deleted and banned), items as the
 * article list's. The original searched Elasticsearch, whose index held every article; ours holds
 * approved ones only, so news matches the author's rows.
 */
@Controller('v1_0')
@Auth('verified')
export class ArticleSearchHttpController {
  constructor(
    @InjectGrpcClient(AUTHORING_GRPC)
    private readonly authoring: authoringV1.AuthoringServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'TZ'>,
  ) {}

  @Get('search')
  async search(
    @CurrentUser() user: AuthUser,
    @Query() query: SearchArticlesQueryDto,
  ): Promise<Page<MpArticleItem>> {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    const reply = await unary(
      this.authoring.searchAuthoredArticles({ userId: user.userId, q: query.q, page, perPage }),
    );
    return {
      total_count: reply.totalCount,
      page,
      per_page: perPage,
      results: (reply.articles ?? []).map((row) => presentArticleItem(row, this.config.TZ)),
    };
  }
}
