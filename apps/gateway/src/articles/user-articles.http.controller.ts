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
import { READING_HISTORY_SIZE, ReadingTracker } from './reading-tracker';

const DEFAULT_PER_PAGE = 10;
/** A history holds at most 100 articles: ten pages of the smallest size. */
const MAX_HISTORY_PRUNE_ROUNDS = READING_HISTORY_SIZE / DEFAULT_PER_PAGE;

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
   * The caller's reading history (the newest 100 articles), newest first. Articles no longer
   * visible leave the history as a page meets them and the page is read again, so a page of
   * withdrawn articles is not answered empty (which ends the client's list) while older ones remain.
   */
  @Get('user/histories')
  @Auth()
  async history(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<LikedArticleCard>> {
    const { page, perPage, offset } = pageOf(query);
    for (let round = 1; ; round += 1) {
      const { total, ids } = await this.tracker.historyPage(user.userId, offset, perPage);
      const cards = await this.cards.read(ids);
      const shown = new Set(cards.map((card) => card.art_id));
      const gone = ids.filter((id) => !shown.has(id));
      if (gone.length === 0 || round === MAX_HISTORY_PRUNE_ROUNDS) {
        const results = await this.likings.mark(user.userId, cards);
        return { total_count: total - gone.length, page, per_page: perPage, results };
      }
      await this.tracker.forget(user.userId, gone);
    }
  }
}
