import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';

import { SearchHistoryStore } from './search-history.store';
import { characterLength, normalizeKeyword, opensMarkup } from './search-text.util';
import { type SearchHits, SearchService } from './search.service';

export const MAX_QUERY_LENGTH = 50;
const KEYWORD_COLUMN_LENGTH = 50;
export const PER_PAGE = { min: 10, max: 50 } as const;

export interface ArticleSearch {
  q: string;
  page: number;
  perPage: number;
  /** Empty for anonymous callers. */
  userId: string;
}

/** Checks `q` as the reference does (`^.{1,50}$`) and returns it normalized. */
export function checkedKeyword(q: string): string {
  const length = characterLength(q);
  if (length < 1 || length > MAX_QUERY_LENGTH || /[\r\n]/.test(q))
    throw AppError.invalid('Invalid request.');
  return normalizeKeyword(q);
}

/**
 * The app's search: hits from the search engine; on page 1 the keyword joins a signed-in user's
 * history and, when it found something, the suggestion keywords (the reference's `completions`).
 * Those two side effects never fail the search.
 */
@Injectable()
export class ArticleSearchService {
  private readonly logger = new Logger(ArticleSearchService.name);

  constructor(
    private readonly engine: SearchService,
    private readonly history: SearchHistoryStore,
  ) {}

  async search(request: ArticleSearch): Promise<SearchHits> {
    const keyword = checkedKeyword(request.q);
    const page = request.page || 1;
    const perPage = request.perPage || PER_PAGE.min;
    if (page < 1 || perPage < PER_PAGE.min || perPage > PER_PAGE.max)
      throw AppError.invalid('Invalid request.');
    if (request.userId && !SNOWFLAKE_ID.test(request.userId))
      throw AppError.invalid('Invalid request.');
    if (keyword.length === 0) return { totalCount: 0, articleIds: [] };

    const hits = await this.engine.search(keyword, page, perPage);
    if (page === 1) await this.remember(keyword, request.userId, hits.totalCount > 0);
    return hits;
  }

  private async remember(keyword: string, userId: string, found: boolean): Promise<void> {
    const writes: Promise<void>[] = [];
    if (userId) writes.push(this.history.save(userId, keyword));
    // A suggestion is shown to every reader who types its start, as HTML by toutiao-m.
    if (found && !opensMarkup(keyword))
      writes.push(this.engine.saveKeyword([...keyword].slice(0, KEYWORD_COLUMN_LENGTH).join('')));
    for (const result of await Promise.allSettled(writes)) {
      if (result.status === 'rejected')
        this.logger.error(`could not record search keyword: ${String(result.reason)}`);
    }
  }
}
