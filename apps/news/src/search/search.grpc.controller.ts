import { searchV1 } from '@app/contracts';
import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Controller } from '@nestjs/common';

import { ArticleIndexer } from './article-indexer';
import { ArticleSearchService } from './article-search.service';
import { SearchHistoryStore } from './search-history.store';
import { SuggestionService } from './suggestion.service';

function checkedUserId(userId: string): string {
  if (!SNOWFLAKE_ID.test(userId)) throw AppError.invalid('Invalid request.');
  return userId;
}

@Controller()
@searchV1.SearchServiceControllerMethods()
export class SearchGrpcController implements searchV1.SearchServiceController {
  constructor(
    private readonly articleSearch: ArticleSearchService,
    private readonly suggestions: SuggestionService,
    private readonly history: SearchHistoryStore,
    private readonly indexer: ArticleIndexer,
  ) {}

  search(request: searchV1.SearchRequest): Promise<searchV1.SearchResponse> {
    return this.articleSearch.search(request);
  }

  async suggest(request: searchV1.SuggestRequest): Promise<searchV1.SuggestResponse> {
    return { options: await this.suggestions.suggest(request.q) };
  }

  async getSearchHistory(
    request: searchV1.GetSearchHistoryRequest,
  ): Promise<searchV1.GetSearchHistoryResponse> {
    return { keywords: await this.history.list(checkedUserId(request.userId)) };
  }

  async clearSearchHistory(
    request: searchV1.ClearSearchHistoryRequest,
  ): Promise<searchV1.ClearSearchHistoryResponse> {
    await this.history.clear(checkedUserId(request.userId));
    return {};
  }

  async indexArticle(
    request: searchV1.IndexArticleRequest,
  ): Promise<searchV1.IndexArticleResponse> {
    if (!SNOWFLAKE_ID.test(request.articleId)) throw AppError.invalid('Invalid request.');
    return { indexed: await this.indexer.indexArticle(request.articleId) };
  }
}
