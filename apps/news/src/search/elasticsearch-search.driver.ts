import { type Client, errors, type estypes } from '@elastic/elasticsearch';
import type { OnApplicationShutdown } from '@nestjs/common';

import { ArticleStatus } from '../articles/article.entity';
import { holdsRefusedControl, htmlToText, opensMarkup } from './search-text.util';
import { type SearchDocument, type SearchHits, SearchService } from './search.service';

export const ARTICLES_INDEX = 'articles';
export const COMPLETIONS_INDEX = 'completions';
/** The reference's weight for a keyword that found articles. */
const KEYWORD_WEIGHT = 20;
/**
 * How many options a suggestion asks ES for, per one wanted: ES cannot leave out those opening
 * markup or holding a control character, which are then dropped here (keywords are refused so
 * since, titles rarely hold one).
 */
const MARKUP_SLACK = 2;
/**
 * Elasticsearch's default `index.max_result_window`: it refuses a search whose `from + size` goes
 * past it, so hits beyond it cannot be paged to.
 */
export const MAX_RESULT_WINDOW = 10_000;

/**
 * The first `limit` options that open no markup and hold no control character the search refuses
 * (a keyword saved before it did, which StripNewsControlCharacters deletes from MySQL only).
 */
function suggestible(options: readonly string[], limit: number): string[] {
  return options
    .filter((option) => !opensMarkup(option) && !holdsRefusedControl(option))
    .slice(0, limit);
}

const ARTICLES_MAPPINGS: estypes.MappingTypeMapping = {
  properties: {
    article_id: { type: 'long' },
    user_id: { type: 'long' },
    title: { type: 'text', analyzer: 'cjk', term_vector: 'with_positions_offsets' },
    content: { type: 'text', analyzer: 'cjk' },
    status: { type: 'byte' },
    create_time: { type: 'date' },
  },
};

const COMPLETIONS_MAPPINGS: estypes.MappingTypeMapping = {
  properties: { suggest: { type: 'completion', analyzer: 'cjk' } },
};

interface TitleSource {
  title?: string;
}

/**
 * The optional `es` driver (Elasticsearch 9, built-in `cjk` analyzer): `articles` holds approved
 * articles only (doc id = article id), `completions` the keywords that found articles. Both
 * indices are created on first use when missing.
 */
export class ElasticsearchSearchDriver extends SearchService implements OnApplicationShutdown {
  private ready?: Promise<void>;

  constructor(private readonly client: Client) {
    super();
  }

  /**
   * A page reaching past the first {@link MAX_RESULT_WINDOW} hits answers the ones it still holds
   * (none past it) with the total, as a page past the last hit does with mysql.
   */
  async search(q: string, page: number, perPage: number): Promise<SearchHits> {
    await this.ensureIndices();
    const from = (page - 1) * perPage;
    const size = Math.max(0, Math.min(perPage, MAX_RESULT_WINDOW - from));
    const response = await this.client.search({
      index: ARTICLES_INDEX,
      query: {
        bool: {
          // cross_fields + and: every query word must occur, in the title or the content (as mysql).
          must: [
            {
              multi_match: {
                query: q,
                fields: ['title^2', 'content'],
                type: 'cross_fields',
                operator: 'and',
              },
            },
          ],
          filter: [{ term: { status: ArticleStatus.Approved } }],
        },
      },
      sort: ['_score', { create_time: 'desc' }, { article_id: 'desc' }],
      _source: false,
      // No hits wanted: only the total, asked at the window's start.
      from: size > 0 ? from : 0,
      size,
      track_total_hits: true,
    });
    const total = response.hits.total;
    return {
      totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
      articleIds: response.hits.hits.flatMap((hit) => (hit._id === undefined ? [] : [hit._id])),
    };
  }

  async index(document: SearchDocument): Promise<void> {
    await this.ensureIndices();
    await this.client.index({
      index: ARTICLES_INDEX,
      id: document.articleId,
      document: {
        article_id: document.articleId,
        user_id: document.userId,
        title: document.title,
        content: htmlToText(document.content),
        status: ArticleStatus.Approved,
        create_time: document.createTime?.toISOString(),
      },
    });
  }

  async remove(articleId: string): Promise<void> {
    await this.ensureIndices();
    await this.client.delete({ index: ARTICLES_INDEX, id: articleId }, { ignore: [404] });
  }

  async suggest(prefix: string, limit: number): Promise<string[]> {
    await this.ensureIndices();
    const keywords = suggestible(await this.completionOptions(prefix, limit * MARKUP_SLACK), limit);
    if (keywords.length > 0) return keywords;
    return suggestible(await this.titlesStartingWith(prefix, limit * MARKUP_SLACK), limit);
  }

  async saveKeyword(keyword: string): Promise<void> {
    await this.ensureIndices();
    // The lower-cased keyword as doc id keeps one entry per keyword, as the MySQL unique key does.
    await this.client.index({
      index: COMPLETIONS_INDEX,
      id: keyword.toLowerCase(),
      document: { suggest: { input: [keyword], weight: KEYWORD_WEIGHT } },
    });
  }

  private async completionOptions(prefix: string, limit: number): Promise<string[]> {
    const response = await this.client.search({
      index: COMPLETIONS_INDEX,
      _source: false,
      suggest: {
        'word-completion': {
          prefix,
          completion: { field: 'suggest', size: limit, skip_duplicates: true },
        },
      },
    });
    const suggestions = response.suggest?.['word-completion'] ?? [];
    return suggestions.flatMap((suggestion) => {
      const options = suggestion.options;
      return (Array.isArray(options) ? options : [options]).map((option) => option.text);
    });
  }

  private async titlesStartingWith(prefix: string, limit: number): Promise<string[]> {
    const response = await this.client.search<TitleSource>({
      index: ARTICLES_INDEX,
      query: {
        bool: {
          must: [{ match_phrase_prefix: { title: { query: prefix } } }],
          filter: [{ term: { status: ArticleStatus.Approved } }],
        },
      },
      _source: ['title'],
      size: limit,
    });
    return response.hits.hits.flatMap((hit) => (hit._source?.title ? [hit._source.title] : []));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  private ensureIndices(): Promise<void> {
    this.ready ??= Promise.all([
      this.createIfMissing(ARTICLES_INDEX, ARTICLES_MAPPINGS),
      this.createIfMissing(COMPLETIONS_INDEX, COMPLETIONS_MAPPINGS),
    ]).then(
      () => undefined,
      (error: unknown) => {
        // Retried by the next call: ES may simply not be up yet.
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  private async createIfMissing(
    index: string,
    mappings: estypes.MappingTypeMapping,
  ): Promise<void> {
    if (await this.client.indices.exists({ index })) return;
    try {
      await this.client.indices.create({ index, mappings });
    } catch (error) {
      // Another instance created it meanwhile.
      if (!isAlreadyExists(error)) throw error;
    }
  }
}

function isAlreadyExists(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError)) return false;
  const body: unknown = error.body;
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const cause: unknown = body.error;
  return (
    typeof cause === 'object' &&
    cause !== null &&
    'type' in cause &&
    cause.type === 'resource_already_exists_exception'
  );
}
