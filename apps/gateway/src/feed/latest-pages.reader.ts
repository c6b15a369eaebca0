import { REDIS_CACHE } from '@app/cache';
import { type ArticleParams, articleParams } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ArticleCard } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { ChannelPinsReader } from '../articles/channel-pins.reader';
import { ChannelArticlesReader, LATEST_MAX_LIMIT } from './channel-articles.reader';
import { LATEST_LIST_ALGORITHM } from '../articles/reading-stats.util';

/** How long the last id of a served page stays the cursor of the next page. */
export const PAGE_CURSOR_TTL_SECONDS = 300;
const ALGORITHM = LATEST_LIST_ALGORITHM;

export interface LatestPageView {
  page: number;
  per_page: number;
  results: Array<ArticleCard & { trace: ArticleParams }>;
}

/**
 * GET /v1_0/articles: the latest approved articles of a channel by page, page 1 led by the pinned
 * ones. Pages are cut with ListLatestArticles' id cursor; the last id of each served page is kept
 * briefly, so paging forward costs one call and a deep cold page walks the newer ids once.
 */
@Injectable()
export class LatestPagesReader {
  constructor(
    private readonly channels: ChannelArticlesReader,
    private readonly pins: ChannelPinsReader,
    private readonly cards: ArticleCardsReader,
    @Inject(REDIS_CACHE) private readonly cache: Redis,
  ) {}

  async read(
    trackUserId: string,
    channelId: number,
    page: number,
    perPage: number,
  ): Promise<LatestPageView> {
    const [ids, topIds] = await Promise.all([
      this.idsOfPage(channelId, page, perPage),
      page === 1 ? this.pins.ids(channelId) : Promise.resolve([]),
    ]);
    const pinned = new Set(topIds);
    const cards = await this.cards.read([...topIds, ...ids.filter((id) => !pinned.has(id))], {
      topChannelId: channelId,
    });
    return {
      page,
      per_page: perPage,
      results: cards.map((card) => ({
        ...card,
        trace: articleParams(trackUserId, card.art_id, ALGORITHM),
      })),
    };
  }

  private async idsOfPage(channelId: number, page: number, perPage: number): Promise<string[]> {
    let beforeId = '';
    let skip = (page - 1) * perPage;
    const cursor =
      page > 1
        ? await this.cache.get(cursorKey(channelId, perPage, page - 1)).catch(() => null)
        : null;
    if (cursor) {
      beforeId = cursor;
      skip = 0;
    }
    while (skip > 0) {
      const skipped = await this.channels.latestIds(
        channelId,
        Math.min(skip, LATEST_MAX_LIMIT),
        beforeId,
      );
      if (skipped.length === 0) return [];
      beforeId = skipped[skipped.length - 1];
      skip -= skipped.length;
    }
    const ids = await this.channels.latestIds(channelId, perPage, beforeId);
    if (ids.length > 0) {
      await this.cache
        .set(
          cursorKey(channelId, perPage, page),
          ids[ids.length - 1],
          'EX',
          PAGE_CURSOR_TTL_SECONDS,
        )
        .catch(() => undefined);
    }
    return ids;
  }
}

function cursorKey(channelId: number, perPage: number, page: number): string {
  return `feed:latest:${channelId}:${perPage}:${page}`;
}
