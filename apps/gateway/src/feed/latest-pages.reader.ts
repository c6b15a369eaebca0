import { REDIS_CACHE, RedisScript } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { type ArticleParams, articleParams } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ArticleCard } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { ChannelPinsReader } from '../articles/channel-pins.reader';
import { LATEST_LIST_ALGORITHM } from '../articles/reading-stats.util';
import type { GatewayConfig } from '../config/gateway.config';
import { ChannelArticlesReader, LATEST_MAX_LIMIT, withinBudget } from './channel-articles.reader';

/** How long the last id of a served page stays the cursor of the next page. */
export const PAGE_CURSOR_TTL_SECONDS = 300;
const ALGORITHM = LATEST_LIST_ALGORITHM;

/**
 * Keeps the id as the page's cursor unless the one kept is newer (a snowflake: longer, or as long
 * and after it), so a reader's next page goes on from its own page's end or before it, never past.
 */
const KEEP_NEWER_CURSOR = new RedisScript<number, [cursor: string], [id: string, ttl: number]>(`
  local kept = redis.call('GET', KEYS[1])
  if kept and (#kept > #ARGV[1] or (#kept == #ARGV[1] and kept >= ARGV[1])) then return 0 end
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
`);

export interface LatestPageView {
  page: number;
  per_page: number;
  results: Array<ArticleCard & { trace: ArticleParams }>;
}

/**
 * GET /v1_0/articles: the latest approved articles of a channel by page, page 1 led by the pinned
 * ones (which no page shows again among the latest, but on a page of nothing else). Pages are cut with ListLatestArticles' id
 * cursor; the last id of each served page is kept briefly, so paging forward costs one call and a
 * deep cold page walks the newer ids once. The
 * page's calls to news share one deadline, FEED_FALLBACK_BUDGET_MS from the first: past it the page
 * answers what it read of itself, or fails as news failing does with nothing read.
 */
@Injectable()
export class LatestPagesReader {
  private readonly budgetMs: number;

  constructor(
    private readonly channels: ChannelArticlesReader,
    private readonly pins: ChannelPinsReader,
    private readonly cards: ArticleCardsReader,
    @Inject(REDIS_CACHE) private readonly cache: Redis,
    @Inject(APP_CONFIG) config: Pick<GatewayConfig, 'FEED_FALLBACK_BUDGET_MS'>,
  ) {
    this.budgetMs = config.FEED_FALLBACK_BUDGET_MS;
  }

  async read(
    trackUserId: string,
    channelId: number,
    page: number,
    perPage: number,
  ): Promise<LatestPageView> {
    const [ids, pins] = await Promise.all([
      this.idsOfPage(channelId, page, perPage),
      this.pins.ids(channelId),
    ]);
    // Page 1 shows the pins first; no page shows one again at its place among the latest, but a
    // page of nothing else stays as it is: an empty page ends the client's list.
    const pinned = new Set(pins);
    const topIds = page === 1 ? pins : [];
    const unpinned = ids.filter((id) => !pinned.has(id));
    const shown = page > 1 && unpinned.length === 0 ? ids : unpinned;
    const cards = await this.cards.read([...topIds, ...shown], {
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
    const deadline = Date.now() + this.budgetMs;
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
    const ids: string[] = [];
    while (ids.length < perPage) {
      // A call reads the newer ids still to walk past together with the page.
      const limit = Math.min(skip + perPage - ids.length, LATEST_MAX_LIMIT);
      const found = await withinBudget(deadline, ids.length > 0, () =>
        this.channels.latestIds(channelId, limit, beforeId, deadline),
      );
      if (found === undefined) break;
      const walked = Math.min(skip, found.length);
      skip -= walked;
      ids.push(...found.slice(walked));
      if (found.length < limit) break;
      beforeId = found[found.length - 1];
    }
    if (ids.length > 0) {
      // A page cut short by the budget is kept as it was answered: the next one goes on from it.
      await KEEP_NEWER_CURSOR.run(
        this.cache,
        [cursorKey(channelId, perPage, page)],
        [ids[ids.length - 1], PAGE_CURSOR_TTL_SECONDS],
      ).catch(() => undefined);
    }
    return ids;
  }
}

function cursorKey(channelId: number, perPage: number, page: number): string {
  return `feed:latest:${channelId}:${perPage}:${page}`;
}
