import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { errorMessage } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, PageQueryDto, unary } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Controller, Get, Logger, Param, Query } from '@nestjs/common';

import type { ArticleCard, LikedArticleCard, Page } from './article-card';
import { ArticleCardsReader } from './article-cards.reader';
import { ArticleLikingsReader } from './article-likings.reader';
import { ArticleErrors } from './article.errors';
import { AuthorsReader } from './authors.reader';
import { GoneArticlesReader } from './gone-articles.reader';
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
  private readonly logger = new Logger(UserArticlesHttpController.name);

  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    private readonly cards: ArticleCardsReader,
    private readonly likings: ArticleLikingsReader,
    private readonly authors: AuthorsReader,
    private readonly tracker: ReadingTracker,
    private readonly gone: GoneArticlesReader,
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
   * (which ends the client's list) while older articles remain. One deleted for good (or unknown to
   * news) never comes back: it leaves the history and takes none of the 100 places (noticed up to
   * NOT_GONE_CACHE_MS late when it was hidden before).
   */
  @Get('user/histories')
  @Auth()
  async history(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<LikedArticleCard>> {
    const { page, perPage, offset } = pageOf(query);
    const ids = await this.tracker.history(user.userId);
    const infos = await this.cards.infos(ids);
    const pageIds = infos.slice(offset, offset + perPage).map((info) => info.artId);
    const [results] = await Promise.all([
      this.cards.read(pageIds).then((cards) => this.likings.mark(user.userId, cards)),
      infos.length < ids.length ? this.forgetGone(user.userId, ids, infos) : undefined,
    ]);
    return { total_count: infos.length, page, per_page: perPage, results };
  }

  /** Drops the deleted articles among those of the history not visible now; a failure is logged, not answered. */
  private async forgetGone(
    readerId: string,
    ids: readonly string[],
    visible: readonly articleV1.ArticleInfo[],
  ): Promise<void> {
    const shown = new Set(visible.map((info) => info.artId));
    try {
      await this.tracker.forget(readerId, await this.gone.gone(ids.filter((id) => !shown.has(id))));
    } catch (error) {
      this.logger.warn(`reading history of ${readerId} not pruned: ${errorMessage(error)}`);
    }
  }
}
