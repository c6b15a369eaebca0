import type { EntityManager } from 'typeorm';

/** One page of hits: approved article ids, best match first. */
export interface SearchHits {
  totalCount: number;
  articleIds: string[];
}

/** What the engine indexes of an approved article. */
export interface SearchDocument {
  articleId: string;
  title: string;
  /** HTML. */
  content: string;
  /** The author; drivers that store it (es) need it, the mysql driver ignores it. */
  userId?: string;
  createTime?: Date;
}

/**
 * The search engine chosen by SEARCH_DRIVER (`mysql` by default, `es` optional). Only approved
 * articles are ever returned, even when an entry outlived its article's approval.
 */
export abstract class SearchService {
  /** Approved articles matching `q`, ranked by relevance then newest; `page` is 1-based. */
  abstract search(q: string, page: number, perPage: number): Promise<SearchHits>;

  /**
   * Adds or replaces the article's entry (idempotent). A driver that keeps entries in MySQL writes
   * them through `db` when given: the indexer's own transaction, so indexing never waits for a
   * second pooled connection while it holds one.
   */
  abstract index(document: SearchDocument, db?: EntityManager): Promise<void>;

  /** Removes the article's entry, if any (idempotent); `db` as for `index`. */
  abstract remove(articleId: string, db?: EntityManager): Promise<void>;

  /**
   * Completions of `prefix`: saved keywords first, then approved titles, up to `limit` of each;
   * may repeat. None opens markup (see `opensMarkup`), and those left out leave no gap in `limit`.
   */
  abstract suggest(prefix: string, limit: number): Promise<string[]>;

  /** Records a keyword that found articles, as a future suggestion. */
  abstract saveKeyword(keyword: string): Promise<void>;
}
