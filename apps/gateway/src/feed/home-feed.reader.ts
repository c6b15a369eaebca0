import { APP_CONFIG, formatPubdate } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';

import type { ArticleCard } from '../articles/article-card';
import { ArticleCardsReader } from '../articles/article-cards.reader';
import { TraceLogWriter } from '../articles/trace-log.writer';
import type { GatewayConfig } from '../config/gateway.config';
import { ChannelArticlesReader } from './channel-articles.reader';
import { FeedBatchCache, type FeedViewer } from './feed-batch.cache';
import { beforeIdOfTimestamp, timestampOfArticle } from './feed-cursor.util';
import { FeedMetrics } from './feed.metrics';
import {
  FEED_ARTICLE_NUM,
  type RecommendBatch,
  UserRecommendClient,
} from './user-recommend.client';

/** GET /v1_1/articles (reference 4.3). */
export interface FeedView {
  pre_timestamp: number;
  results: ArticleCard[];
}

interface FeedBatch {
  ids: string[];
  preTimestamp: number;
}

/**
 * The home feed: a recommend batch (cached per viewer, channel and stamp), or, when the recommend
 * service fails or is slower than its deadline, the latest approved articles of the channel with
 * the stamp as a time cursor (see feed-cursor.util). Pinned articles lead a non-empty batch.
 */
@Injectable()
export class HomeFeedReader {
  constructor(
    private readonly recommender: UserRecommendClient,
    private readonly batches: FeedBatchCache,
    private readonly channels: ChannelArticlesReader,
    private readonly cards: ArticleCardsReader,
    private readonly traceLog: TraceLogWriter,
    private readonly metrics: FeedMetrics,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
  ) {}

  async read(
    viewer: FeedViewer | undefined,
    channelId: number,
    timestamp: number,
    withTop: boolean,
  ): Promise<FeedView> {
    const batch = await this.batch(viewer, channelId, timestamp);
    // Pins only ride along with a batch: with an empty one the client must see the end of the feed.
    const topIds = withTop && batch.ids.length > 0 ? await this.channels.topIds(channelId) : [];
    const pinned = new Set(topIds);
    const cards = await this.cards.read([...topIds, ...batch.ids.filter((id) => !pinned.has(id))], {
      topChannelId: channelId,
    });
    const now = formatPubdate(new Date().toISOString(), this.config.TZ);
    return {
      pre_timestamp: batch.preTimestamp,
      results: cards.map((card) => (pinned.has(card.art_id) ? { ...card, pubdate: now } : card)),
    };
  }

  private async batch(
    viewer: FeedViewer | undefined,
    channelId: number,
    timestamp: number,
  ): Promise<FeedBatch> {
    // Without a user or device id the recommend service has nobody to recommend for.
    const recommended = viewer
      ? await this.batches.get(viewer, channelId, timestamp, () =>
          this.recommend(viewer, channelId, timestamp),
        )
      : undefined;
    if (recommended) return { ids: recommended.ids, preTimestamp: recommended.timeStamp };
    return this.latest(channelId, timestamp);
  }

  private async recommend(
    viewer: FeedViewer,
    channelId: number,
    timestamp: number,
  ): Promise<RecommendBatch | undefined> {
    const result = await this.recommender.recommend(viewer.id, channelId, timestamp);
    if (!result.ok) {
      this.metrics.recommendFallback(result.reason);
      return undefined;
    }
    if (result.batch.ids.length > 0 && result.batch.exposure) {
      this.traceLog.write({ trace: result.batch.exposure, channelId, readTime: '' });
    }
    return result.batch;
  }

  /** Articles created before `timestamp`; the next stamp is the creation ms of the last one. */
  private async latest(channelId: number, timestamp: number): Promise<FeedBatch> {
    const beforeId = beforeIdOfTimestamp(timestamp);
    const ids =
      beforeId === null ? [] : await this.channels.latestIds(channelId, FEED_ARTICLE_NUM, beforeId);
    return {
      ids,
      preTimestamp: ids.length > 0 ? timestampOfArticle(ids[ids.length - 1]) : timestamp,
    };
  }
}
