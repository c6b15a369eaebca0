import type { EntityManager } from 'typeorm';

import { ArticleSearchRepository } from './article-search.repository';
import type { SearchKeywordsRepository } from './search-keywords.repository';
import { buildBooleanQuery } from './search-query.util';
import { fulltextForm, SearchTokenizer } from './search-tokenizer';
import { type SearchDocument, type SearchHits, SearchService } from './search.service';

/**
 * The default driver: MariaDB FULLTEXT over jieba terms (MariaDB has no CJK parser), matched
 * with `MATCH … AGAINST('+term …' IN BOOLEAN MODE)` so every query word must occur.
 */
export class MysqlSearchService extends SearchService {
  constructor(
    private readonly documents: ArticleSearchRepository,
    private readonly tokenizer: SearchTokenizer,
    private readonly keywords: SearchKeywordsRepository,
  ) {
    super();
  }

  async search(q: string, page: number, perPage: number): Promise<SearchHits> {
    const query = buildBooleanQuery(this.tokenizer.terms(q));
    if (query === undefined) return { totalCount: 0, articleIds: [] };
    const offset = (page - 1) * perPage;
    const totalCount = await this.documents.count(query);
    const articleIds =
      offset < totalCount ? await this.documents.findIds(query, offset, perPage) : [];
    return { totalCount, articleIds };
  }

  async index(document: SearchDocument, db?: EntityManager): Promise<void> {
    const terms = this.tokenizer.documentTerms(document.title, document.content);
    await this.documents.upsert(document.articleId, terms.map(fulltextForm).join(' '), db);
  }

  remove(articleId: string, db?: EntityManager): Promise<void> {
    return this.documents.delete(articleId, db);
  }

  async suggest(prefix: string, limit: number): Promise<string[]> {
    const [keywords, titles] = await Promise.all([
      this.keywords.keywordsStartingWith(prefix, limit),
      this.keywords.titlesStartingWith(prefix, limit),
    ]);
    return [...keywords, ...titles];
  }

  saveKeyword(keyword: string): Promise<void> {
    return this.keywords.save(keyword);
  }
}
