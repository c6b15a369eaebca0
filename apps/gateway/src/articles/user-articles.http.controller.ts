import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, PageQueryDto, unary } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Controller, Get, Param, Query } from '@nestjs/common';

import type { ArticleCard, LikedArticleCard, Page } from './article-card';
import { ArticleCardsReader } from './article-cards.reader';
import { ArticleLikingsReader } from './article-likings.reader';
import { ArticleErrors } from './article.errors';
import { AuthorsReader } from './authors.reader';
import { ReadingTracker } from './reading-tracker';

const DEFAULT_PER_PAGE = 10;

function pageOf(query: PageQueryDto): { page: number; perPage: number; offset: number } {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  return { page, perPage, offset: (page - 1) * perPage };
}

/** Article lists of one user: anyone's published articles, and the caller's own articles and history. */
@Controller('v1_0')
export class UserArticlesHttpController {
  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    private readonly cards: ArticleCardsReader,
    private readonly likings: ArticleLikingsReader,
    private readonly authors: AuthorsReader,
    private readonly tracker: ReadingTracker,
  ) {}

  @Get('users/:uid/articles')
  async authorArticles(
    @Param('uid') userId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ArticleCard>> {
    if (!SNOWFLAKE_ID.test(userId) || !(await this.authors.find(userId)))
      throw ArticleErrors.invalidRequest();
    const { page, perPage } = pageOf(query);
    const { totalCount, articleIds } = await unary(
      this.articles.listUserArticles({ userId, page, perPage }),
    );
    return {
      total_count: totalCount,
      page,
      per_page: perPage,
      results: await this.cards.read(articleIds),
    };
  }

  @Get('user/articles')
  @Auth()
  async ownArticles(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<LikedArticleCard>> {
    const { page, perPage } = pageOf(query);
    const { totalCount, articleIds } = await unary(
      this.articles.listUserArticles({ userId: user.userId, page, perPage }),
    );
    const results = await this.likings.mark(user.userId, await this.cards.read(articleIds));
    return { total_count: totalCount, page, per_page: perPage, results };
  }

  /**
   * The caller's reading history (the newest 100 articles), newest first, paged over those visible
   * now. One hidden for a while (back in review after its author's edit, banned) is left out, not
   * dropped: it shows again in its place once approved again. The visibility of all 100 comes from
   * the card cache (L1, then one MGET), so pages and total agree and no page is answered empty
   * (which ends the client's list) while older articles remain.
   */
  @Get('user/histories')
  @Auth()
  async history(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<LikedArticleCard>> {
    const { page, perPage, offset } = pageOf(query);
    const infos = await this.cards.infos(await this.tracker.history(user.userId));
    const cards = await this.cards.read(
      infos.slice(offset, offset + perPage).map((info) => info.artId),
    );
    const results = await this.likings.mark(user.userId, cards);
    return { total_count: infos.length, page, per_page: perPage, results };
  }
}
