import { APP_CONFIG } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { FeedBatchStore, type NextBatch, type QueuedBatch } from './feed-batch.store';
import type { FeedViewer } from './feed-viewer';
import { exposureOfBatch } from './tracking.util';
import {
  FEED_ARTICLE_NUM,
  type RecommendBatch,
  type RecommendFailure,
  UserRecommendClient,
} from './user-recommend.client';

/** A batch for one feed request; `exposure` is empty for replays (those were counted when first shown). */
export type DealtBatch =
  | { ok: true; ids: string[]; cursor: number; exposure: string }
  | { ok: false; reason: RecommendFailure };

/**
 * Deals feed batches one per request from runs of FEED_PREFETCH_BATCHES batches that one
 * `user_recommend` call draws (exposures and ranking are the recommend service's), so most
 * feed requests cost one Redis round trip and no gRPC call. Concurrent requests of one viewer
 * and channel share a refill.
 */
@Injectable()
export class FeedBatchDealer {
  private readonly logger = new Logger(FeedBatchDealer.name);
  private readonly refills = new Map<string, Promise<DealtBatch | undefined>>();

  constructor(
    private readonly store: FeedBatchStore,
    private readonly recommender: UserRecommendClient,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'FEED_PREFETCH_BATCHES'>,
  ) {}

  async deal(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch> {
    try {
      const next = await this.store.next(viewer, channelId, stamp);
      if (next.kind !== 'empty') return dealt(next);
      const failed = await this.refill(viewer, channelId, stamp);
      if (failed) return failed;
      const refilled = await this.store.next(viewer, channelId, stamp);
      // Another request of this viewer took the last queued batch meanwhile: the run is over.
      return refilled.kind === 'empty' ? { ok: true, ids: [], cursor: 0, exposure: '' } : dealt(refilled);
    } catch (error) {
      // The cache role is down or evicting: one batch straight from the recommend service.
      this.logger.warn(`feed queue unavailable: ${error instanceof Error ? error.message : String(error)}`);
      const result = await this.recommender.recommend(viewer.id, channelId, stamp, FEED_ARTICLE_NUM);
      return result.ok ? fromRecommend(result.batch) : result;
    }
  }

  /** Draws and queues a run; answers what the request gets instead when there is nothing to queue. */
  private refill(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch | undefined> {
    const key = `${viewer.kind}:${viewer.id}:${channelId}`;
    let running = this.refills.get(key);
    if (!running) {
      running = this.drawRun(viewer, channelId, stamp).finally(() => this.refills.delete(key));
      this.refills.set(key, running);
    }
    return running;
  }

  private async drawRun(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch | undefined> {
    const articleNum = FEED_ARTICLE_NUM * this.config.FEED_PREFETCH_BATCHES;
    const result = await this.recommender.recommend(viewer.id, channelId, stamp, articleNum);
    if (!result.ok) return result;
    if (result.batch.ids.length === 0) return fromRecommend(result.batch);
    await this.store.enqueue(viewer, channelId, splitRun(result.batch));
    return undefined;
  }
}

/** A run cut into batches of the reference's size, each with the exposure string of its own ids. */
export function splitRun(run: RecommendBatch): QueuedBatch[] {
  const batches: QueuedBatch[] = [];
  for (let start = 0; start < run.ids.length; start += FEED_ARTICLE_NUM) {
    const ids = run.ids.slice(start, start + FEED_ARTICLE_NUM);
    batches.push({ ids, exposure: exposureOfBatch(run.exposure, ids) });
  }
  return batches;
}

function dealt(next: Exclude<NextBatch, { kind: 'empty' }>): DealtBatch {
  return {
    ok: true,
    ids: next.batch.ids,
    cursor: next.cursor,
    exposure: next.kind === 'fresh' ? next.batch.exposure : '',
  };
}

function fromRecommend(batch: RecommendBatch): DealtBatch {
  return { ok: true, ids: batch.ids, cursor: batch.timeStamp, exposure: batch.exposure };
}
