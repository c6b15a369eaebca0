import type { DataSource } from 'typeorm';

import { ArticleIndexer } from './article-indexer';
import { ArticleSearchRepository } from './article-search.repository';
import { MysqlSearchService } from './mysql-search.service';
import { createSearchService, type SearchDriverSettings } from './search-driver.factory';
import { SearchKeywordsRepository } from './search-keywords.repository';
import { SearchTokenizer } from './search-tokenizer';

/** The indexer SearchModule provides, built without Nest (the demo seed indexes through it). */
export function createArticleIndexer(
  dataSource: DataSource,
  settings: SearchDriverSettings,
): ArticleIndexer {
  const engine = createSearchService(
    settings,
    () =>
      new MysqlSearchService(
        new ArticleSearchRepository(dataSource),
        new SearchTokenizer(),
        new SearchKeywordsRepository(dataSource),
      ),
  );
  return new ArticleIndexer(dataSource, engine);
}
