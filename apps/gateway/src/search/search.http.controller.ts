import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { searchV1 } from '@app/contracts';
import { InjectGrpcClient, SEARCH_GRPC, unary } from '@app/grpc';
import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';

import type { ArticleCard, Page } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { SearchQueryDto } from './dto/search-query.dto';
import { SuggestionQueryDto } from './dto/suggestion-query.dto';

const DEFAULT_PER_PAGE = 10;

@Controller('v1_0')
export class SearchHttpController {
  constructor(
    @InjectGrpcClient(SEARCH_GRPC) private readonly search: searchV1.SearchServiceClient,
    private readonly cards: ArticleCardsReader,
  ) {}

  /** Approved articles matching `q`; page 1 of a signed-in user's search joins their history. */
  @Get('search')
  @Auth('optional')
  async find(
    @CurrentUser() user: AuthUser | undefined,
    @Query() query: SearchQueryDto,
  ): Promise<Page<ArticleCard>> {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    const { totalCount, articleIds } = await unary(
      this.search.search({ q: query.q, page, perPage, userId: user?.userId ?? '' }),
    );
    return {
      total_count: totalCount,
      page,
      per_page: perPage,
      results: await this.cards.read(articleIds),
    };
  }

  @Get('suggestion')
  async suggest(@Query() query: SuggestionQueryDto): Promise<{ options: string[] }> {
    const { options } = await unary(this.search.suggest({ q: query.q }));
    return { options };
  }

  @Get('search/histories')
  @Auth()
  async histories(@CurrentUser() user: AuthUser): Promise<{ keywords: string[] }> {
    const { keywords } = await unary(this.search.getSearchHistory({ userId: user.userId }));
    return { keywords };
  }

  @Delete('search/histories')
  @Auth()
  @HttpCode(204)
  async clearHistories(@CurrentUser() user: AuthUser): Promise<void> {
    await unary(this.search.clearSearchHistory({ userId: user.userId }));
  }
}
