import { type DynamicModule, Module } from '@nestjs/common';

import { ArticleIndexer } from './article-indexer';
import { ArticleSearchRepository } from './article-search.repository';
import { ArticleSearchService } from './article-search.service';
import { MysqlSearchService } from './mysql-search.service';
import { createSearchService, type SearchDriverSettings } from './search-driver.factory';
import { SearchHistoryStore } from './search-history.store';
import { SearchKeywordsRepository } from './search-keywords.repository';
import { SearchTokenizer } from './search-tokenizer';
import { SearchService } from './search.service';
import { SearchGrpcController } from './search.grpc.controller';
import { SuggestionService } from './suggestion.service';

/** Search, suggestions, search history and the IndexArticle RPC; SEARCH_DRIVER picks the engine. */
@Module({})
export class SearchModule {
  static forRoot(settings: SearchDriverSettings): DynamicModule {
    return {
      module: SearchModule,
      controllers: [SearchGrpcController],
      providers: [
        { provide: SearchTokenizer, useFactory: () => new SearchTokenizer() },
        ArticleSearchRepository,
        SearchKeywordsRepository,
        {
          provide: SearchService,
          inject: [ArticleSearchRepository, SearchTokenizer, SearchKeywordsRepository],
          useFactory: (
            documents: ArticleSearchRepository,
            tokenizer: SearchTokenizer,
            keywords: SearchKeywordsRepository,
          ) =>
            createSearchService(
              settings,
              () => new MysqlSearchService(documents, tokenizer, keywords),
            ),
        },
        ArticleIndexer,
        SearchHistoryStore,
        ArticleSearchService,
        SuggestionService,
      ],
      exports: [ArticleIndexer],
    };
  }
}
