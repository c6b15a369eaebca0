import { APP_CONFIG, errorMessage, formatOncePerSecond, formatPubdate } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { ArticleCard } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { ChannelPinsReader } from '../articles/channel-pins.reader';
import { ReadingStatsRecorder } from '../articles/reading-stats.recorder';
import { TraceLogWriter } from '../articles/trace-log.writer';
import type { GatewayConfig } from '../config/gateway.config';
import { ChannelArticlesReader, LATEST_MAX_LIMIT, withinBudget } from './channel-articles.reader';
import { FeedBatchDealer } from './feed-batch.dealer';
import type { FeedViewer } from './feed-viewer';
import { beforeIdOfTimestamp, timestampOfArticle } from './feed-cursor.util';
import { FeedMetrics } from './feed.metrics';
import { batchExposures } from './tracking.util';
import { FEED_ARTICLE_NUM } from './user-recommend.client';

/** GET /v1_1/articles (reference 4.3). */
export interface FeedView {
  pre_timestamp: number;
  results: ArticleCard[];
}

interface FeedBatch {
  ids: string[];
  preTimestamp: number;
  /** The exposure tracking string of a fresh batch, else `''` (replays, latest articles). */
  exposure: string;
  /**
   * A page that goes on from the page before it (a batch dealt to its cursor, or the latest
   * articles from a time cursor): the pins led that one.
   */
  continued: boolean;
  /** The latest articles of the channel, not a batch dealt. */
  latest: boolean;
  /** Of latest articles with older ones left to read within the page's deadline: how to go on. */
  readOn?: ReadOn;
}

interface ReadOn {
  dealt: ReadonlySet<string>;
  deadline: number;
  /** Whose time cursor the page keeps (a fallback page). */
  viewer?: FeedViewer;
}

/** A batch as the page shows it: its cards, led by the pins (`pinned`) if any. */
interface ShownBatch {
  batch: FeedBatch;
  pinned: ReadonlySet<string>;
  cards: ArticleCard[];
}

const NOTHING_DEALT: ReadonlySet<string> = new Set();

/** Batches dealt at most in place of ones whose articles were all withdrawn since they were queued. */
const MAX_WITHDRAWN_BATCHES = 5;
/** Times queued ids are taken at most in place of a batch's withdrawn articles. */
const MAX_TOP_UPS = 3;

/**
 * The home feed: the viewer's next recommend batch (or a replay, by stamp), or, when the
 * recommend service fails or is slower than its deadline, the latest approved articles of the
 * channel with the stamp as a time cursor (see feed-cursor.util). The page after such a page
 * brings that cursor, older than the batches the viewer was dealt: it goes on the same way.
 * Pinned articles lead a non-empty batch that does not go on from the page before it.
 */
@Injectable()
export class HomeFeedReader {
  private readonly logger = new Logger(HomeFeedReader.name);
  /** The current second as a pubdate. */
  private readonly nowPubdate: () => string;
  private readonly fallbackBudgetMs: number;
  private readonly pinnedCopies = new WeakMap<ArticleCard, ArticleCard>();

  constructor(
    private readonly dealer: FeedBatchDealer,
    private readonly channels: ChannelArticlesReader,
    private readonly pins: ChannelPinsReader,
    private readonly cards: ArticleCardsReader,
    private readonly traceLog: TraceLogWriter,
    private readonly stats: ReadingStatsRecorder,
    private readonly metrics: FeedMetrics,
    @Inject(APP_CONFIG) config: Pick<GatewayConfig, 'TZ' | 'FEED_FALLBACK_BUDGET_MS'>,
  ) {
    this.nowPubdate = formatOncePerSecond((instant) => formatPubdate(instant, config.TZ));
    this.fallbackBudgetMs = config.FEED_FALLBACK_BUDGET_MS;
  }

  async read(
    viewer: FeedViewer | undefined,
    channelId: number,
    timestamp: number,
    withTop: boolean,
  ): Promise<FeedView> {
    // A stamp from a clock ahead of ours would stay the newest of the viewer's history (here and
    // in the recommend service) until our clock caught up: once that clock is set right, every
    // stamp is older than it, a replay or a fallback page. Later than now asks for the newest.
    const stamp = Math.min(timestamp, Date.now());
    const [first, pins] = await Promise.all([
      this.batch(viewer, channelId, stamp),
      withTop ? this.pins.ids(channelId) : [],
    ]);
    const shown = await this.shown(first, pins, viewer, channelId, stamp);
    const page =
      viewer && !shown.batch.latest && !shown.cards.some((card) => !shown.pinned.has(card.art_id))
        ? await this.inPlaceOfNothing(shown, first, pins, viewer, channelId, stamp)
        : shown;
    const { batch, pinned, cards } = page.pinned.size === 0 ? withoutPins(page, pins) : page;
    // A fresh batch is an exposure of its articles; a replay was counted when first shown.
    if (batch.exposure !== '') {
      this.traceLog.write({ trace: batch.exposure, channelId, readTime: '' });
      this.stats.recordExposures(batch.ids);
    }
    return {
      pre_timestamp: batch.preTimestamp,
      results:
        pinned.size === 0
          ? cards
          : cards.map((card) => (pinned.has(card.art_id) ? this.pinnedCard(card) : card)),
    };
  }

  /**
   * The cards of the batch, led by the pins. A fresh batch whose articles were all withdrawn since
   * it was queued (banned, deleted) would show nothing of the feed, and an empty page ends the
   * client's list: the next batch comes in its place, under the withdrawn one's cursor (the next
   * stamp: this one holds the request's), so the page's cursor goes on from the batch shown, and
   * the withdrawn one counts no exposure. One only some of whose articles were withdrawn is filled.
   */
  private async shown(
    first: FeedBatch,
    pins: readonly string[],
    viewer: FeedViewer | undefined,
    channelId: number,
    stamp: number,
  ): Promise<ShownBatch> {
    let batch = first;
    for (let redealt = 1; ; redealt += 1) {
      // Pins only ride along with a batch: with an empty one the client must see the end of the
      // feed. A batch dealt in place of a withdrawn one goes on from it: the request's decides.
      const topIds = batch.ids.length > 0 && !first.continued ? pins : [];
      const read = await this.cardsOf(batch, topIds, channelId);
      batch = read.batch;
      const { pinned, cards } = read;
      const batchIds = batch.ids.filter((id) => !pinned.has(id));
      if (!allWithdrawn(batchIds, cards, pinned) || batch.exposure === '') {
        // A fresh batch was dealt under the stamp of this round (see below).
        return viewer && batch.exposure !== ''
          ? this.filled({ batch, pinned, cards }, viewer, channelId, stamp + redealt - 1)
          : { batch, pinned, cards };
      }
      if (redealt > MAX_WITHDRAWN_BATCHES)
        return { batch: { ...batch, exposure: '' }, pinned, cards };
      batch = await this.batch(viewer, channelId, stamp + redealt);
    }
  }

  /**
   * A dealt page that shows nothing of the feed (the run another request of the viewer took whole,
   * a replay whose articles were all withdrawn since, fresh batches withdrawn past the redeals)
   * would end the client's list while the channel has articles: the latest ones but those the
   * viewer was dealt answer instead, as a fallback page, without pins where it goes on from a page.
   * Only a channel with no article left answers the empty page.
   */
  private async inPlaceOfNothing(
    shown: ShownBatch,
    first: FeedBatch,
    pins: readonly string[],
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
  ): Promise<ShownBatch> {
    let page: FeedBatch;
    try {
      page = await this.fallbackPage(viewer, channelId, stamp);
    } catch (error) {
      // News cannot tell what the channel holds: the page stays as dealt, as the dealer answered it.
      this.logger.warn(`latest articles unavailable: ${errorMessage(error)}`);
      return shown;
    }
    if (page.ids.length === 0) return shown;
    const read = await this.cardsOf(page, first.continued || page.continued ? [] : pins, channelId);
    const ids = read.batch.ids.filter((id) => !read.pinned.has(id));
    return { ...read, batch: { ...read.batch, ids } };
  }

  /**
   * The cards of the batch, led by `topIds`. A page of the latest articles all of whose articles
   * were withdrawn (banned, deleted) between the news read and the card read would end
   * toutiao-m's list: the next older ones are read in its place, within the page's deadline, each
   * read of cards telling whether to go on. With news having nothing older, or the deadline past,
   * the page read answers, empty.
   */
  private async cardsOf(
    batch: FeedBatch,
    topIds: readonly string[],
    channelId: number,
  ): Promise<ShownBatch> {
    const pinned = new Set(topIds);
    for (let page = batch; ;) {
      const ids = page.ids.filter((id) => !pinned.has(id));
      const cards = await this.readCards([...topIds, ...ids], channelId);
      const older = allWithdrawn(ids, cards, pinned)
        ? await this.olderLatest(page, channelId)
        : undefined;
      if (!older) return { batch: page, pinned, cards };
      page = older;
    }
  }

  /** The latest articles after `page`'s, as its own `readOn` says; none past its deadline. */
  private async olderLatest(page: FeedBatch, channelId: number): Promise<FeedBatch | undefined> {
    const { readOn } = page;
    if (!readOn) return undefined;
    const older = await withinBudget(readOn.deadline, true, () =>
      this.latest(channelId, page.preTimestamp, readOn.dealt, readOn.deadline, readOn.viewer),
    );
    if (older === undefined || older.ids.length === 0) return undefined;
    if (readOn.viewer)
      await this.dealer.markTimeCursor(readOn.viewer, channelId, older.preTimestamp, older.ids);
    // Whether the page goes on from the one before it (and so leaves the pins off) is the request's.
    return { ...older, continued: page.continued };
  }

  /**
   * A fresh batch some of whose articles were withdrawn since it was queued (banned, deleted) would
   * come short: queued ids take their places, kept with the batch served under `batchStamp` so a
   * replay of it answers them too, and the exposure names the articles shown. With nothing queued
   * the page stays short.
   */
  private async filled(
    shown: ShownBatch,
    viewer: FeedViewer,
    channelId: number,
    batchStamp: number,
  ): Promise<ShownBatch> {
    const { batch, pinned } = shown;
    const onPage = new Set(shown.cards.map((card) => card.art_id));
    let wanted = batch.ids.filter((id) => !onPage.has(id)).length;
    if (wanted === 0) return shown;
    const cards = [...shown.cards];
    const added: string[] = [];
    for (let round = 0; wanted > 0 && round < MAX_TOP_UPS; round += 1) {
      const taken = await this.dealer.topUp(viewer, channelId, batchStamp, wanted);
      const unseen = taken.filter((id) => !onPage.has(id));
      const more = unseen.length > 0 ? await this.readCards(unseen, channelId) : [];
      for (const card of more) {
        onPage.add(card.art_id);
        added.push(card.art_id);
        cards.push(card);
      }
      if (taken.length < wanted) break;
      wanted -= more.length;
    }
    const ids = [...batch.ids, ...added].filter((id) => onPage.has(id));
    return {
      batch: { ...batch, ids, exposure: batchExposures(batch.exposure)(ids) },
      pinned,
      cards,
    };
  }

  private readCards(ids: readonly string[], channelId: number): Promise<ArticleCard[]> {
    return this.cards.read(ids, { topChannelId: channelId, recent: true });
  }

  /**
   * A pinned card shows the current second as its pubdate (as the reference's feed does); the copy
   * is shared within the second, so it is serialized once (article-card.json) like the others.
   */
  private pinnedCard(card: ArticleCard): ArticleCard {
    const pubdate = this.nowPubdate();
    const copy = this.pinnedCopies.get(card);
    if (copy?.pubdate === pubdate) return copy;
    const pinned = { ...card, pubdate };
    this.pinnedCopies.set(card, pinned);
    return pinned;
  }

  private async batch(
    viewer: FeedViewer | undefined,
    channelId: number,
    timestamp: number,
  ): Promise<FeedBatch> {
    // Without a user or device id the recommend service has nobody to recommend for.
    if (!viewer) return this.latest(channelId, timestamp, NOTHING_DEALT);
    const dealt = await this.dealer.deal(viewer, channelId, timestamp);
    // A fallback page's time cursor may fall among the viewer's batches: it goes on from that page
    // where it replayed a batch dealt before it (and the ones before that, all shown already).
    if (!dealt.ok || (dealt.older === true && dealt.timeCursor === true)) {
      // A stamp older than the viewer's batches is the time cursor of a fallback page: go on from it.
      if ('reason' in dealt) this.metrics.recommendFallback(dealt.reason);
      const page = await this.fallbackPage(viewer, channelId, timestamp);
      // In place of the batch a scroll was due: it goes on from the page before it.
      return 'reason' in dealt && dealt.continued === true ? { ...page, continued: true } : page;
    }
    const { ids } = dealt;
    return {
      ids,
      preTimestamp: dealt.cursor,
      // Only a non-empty fresh batch has an exposure to log.
      exposure: ids.length === 0 ? '' : dealt.exposure,
      // A fallback page's time cursor newer than the viewer's batches is dealt a fresh batch once
      // the recommend service answers again: it goes on from that page all the same.
      continued: dealt.continued || dealt.timeCursor === true,
      latest: false,
    };
  }

  /**
   * The latest articles but those dealt to the viewer, its cursor kept as a time cursor of the
   * viewer's, so the page that brings it back goes on from this one.
   */
  private async fallbackPage(
    viewer: FeedViewer,
    channelId: number,
    timestamp: number,
  ): Promise<FeedBatch> {
    const page = await this.latest(
      channelId,
      timestamp,
      await this.dealer.dealtIds(viewer, channelId),
      Date.now() + this.fallbackBudgetMs,
      viewer,
    );
    if (page.ids.length > 0)
      await this.dealer.markTimeCursor(viewer, channelId, page.preTimestamp, page.ids);
    return page;
  }

  /**
   * Articles created before `timestamp`, newest first, but those `dealt` to the viewer; the next
   * stamp is the creation ms of the last one, so the page takes every article of that millisecond
   * (the next page leaves them out: the stamp cannot tell which of them were shown). A fallback
   * page after the viewer's batches showed the newest articles again, which those batches had mostly been; a viewer who was dealt all
   * that is left starts over on them, as recommend starts over a reader whose exposures cover the
   * pool. The millisecond of the stamp is read too: an article created in it makes the stamp such
   * a time cursor (a clock's stamp all but never falls on one), so the page goes on from the one
   * before it, where toutiao-m, which sends with_top=1 on every page, was shown the pins again.
   * That article (and any of the same millisecond) stays off the page, as before.
   * The page's calls to news share one deadline, FEED_FALLBACK_BUDGET_MS from the first: past it
   * the page answers what was read, or fails as news failing does with nothing read. The page goes
   * on (`readOn`, for `viewer`'s fallback page) while news may have older articles.
   */
  private async latest(
    channelId: number,
    timestamp: number,
    dealt: ReadonlySet<string>,
    deadline = Date.now() + this.fallbackBudgetMs,
    viewer?: FeedViewer,
  ): Promise<FeedBatch> {
    const limit = Math.min(FEED_ARTICLE_NUM + 1 + dealt.size, LATEST_MAX_LIMIT);
    const ids: string[] = [];
    let beforeId = beforeIdOfTimestamp(timestamp + 1);
    let continued = false;
    let full = false;
    let older = true;
    for (
      let read = 0;
      beforeId !== null && (read <= dealt.size / limit + 1 || ids.length >= FEED_ARTICLE_NUM);
      read += 1
    ) {
      const from = beforeId;
      const found = await withinBudget(deadline, ids.length > 0, () =>
        this.channels.latestIds(channelId, limit, from, deadline),
      );
      if (found === undefined) break;
      if (read === 0) continued = found.length > 0 && timestampOfArticle(found[0]) === timestamp;
      for (const id of found) {
        const createdAt = timestampOfArticle(id);
        full =
          ids.length >= FEED_ARTICLE_NUM && createdAt !== timestampOfArticle(ids[ids.length - 1]);
        if (full) break;
        if (!dealt.has(id) && !(continued && createdAt === timestamp)) ids.push(id);
      }
      older = full || found.length === limit;
      if (full || !older) break;
      beforeId = found[found.length - 1];
    }
    if (ids.length === 0 && dealt.size > 0)
      return this.latest(channelId, timestamp, NOTHING_DEALT, deadline, viewer);
    return {
      ids,
      preTimestamp: ids.length > 0 ? timestampOfArticle(ids[ids.length - 1]) : timestamp,
      exposure: '',
      continued,
      latest: true,
      readOn: older ? { dealt, deadline, viewer } : undefined,
    };
  }
}

/**
 * A page not led by the pins (with_top=1) goes on from one they led, toutiao-m sending with_top=1
 * on every page: a pin of the channel's own that came again at its place among the batch or the
 * latest articles stays off it (and off its exposure). A page of nothing but pins stays as it is,
 * as an empty page ends the client's list.
 */
function withoutPins(page: ShownBatch, pins: readonly string[]): ShownBatch {
  if (pins.length === 0) return page;
  const shownBefore = new Set(pins);
  const cards = page.cards.filter((card) => !shownBefore.has(card.art_id));
  if (cards.length === page.cards.length || cards.length === 0) return page;
  const ids = page.batch.ids.filter((id) => !shownBefore.has(id));
  const exposure = page.batch.exposure === '' ? '' : batchExposures(page.batch.exposure)(ids);
  return { ...page, batch: { ...page.batch, ids, exposure }, cards };
}

/** Whether a batch's `ids` (its pins left out) all went without a card: withdrawn since listed. */
function allWithdrawn(
  ids: readonly string[],
  cards: readonly ArticleCard[],
  pinned: ReadonlySet<string>,
): boolean {
  return ids.length > 0 && cards.every((card) => pinned.has(card.art_id));
}
