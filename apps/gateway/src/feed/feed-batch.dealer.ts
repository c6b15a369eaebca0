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
  /** Refills in flight per viewer and channel: undefined once queued, else what waiters answer. */
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
      return await this.dealFromRefill(viewer, channelId, stamp);
    } catch (error) {
      // The cache role is down or evicting: one batch straight from the recommend service.
      this.logger.warn(`feed queue unavailable: ${error instanceof Error ? error.message : String(error)}`);
      const result = await this.recommender.recommend(viewer.id, channelId, stamp, FEED_ARTICLE_NUM);
      return result.ok ? fromRecommend(result.batch) : result;
    }
  }

  /** The queue ran dry: wait for the refill in flight and take the next batch, or draw a run. */
  private async dealFromRefill(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch> {
    const key = `${viewer.kind}:${viewer.id}:${channelId}`;
    const running = this.refills.get(key);
    if (running) {
      const instead = await running;
      return instead ?? dealtOrEnd(await this.store.next(viewer, channelId, stamp));
    }
    const refill = this.refill(viewer, channelId, stamp);
    const forWaiters = refill
      .then((result) => (result.queued ? undefined : result.batch))
      .finally(() => this.refills.delete(key));
    // Waiters see a failure themselves; with none waiting it must not count as unhandled.
    forWaiters.catch(() => undefined);
    this.refills.set(key, forWaiters);
    return (await refill).batch;
  }

  /** Draws a run, queues it and deals its first batch in one round trip (`queued`), or says why not. */
  private async refill(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
  ): Promise<{ queued: boolean; batch: DealtBatch }> {
    const articleNum = FEED_ARTICLE_NUM * this.config.FEED_PREFETCH_BATCHES;
    const result = await this.recommender.recommend(viewer.id, channelId, stamp, articleNum);
    if (!result.ok) return { queued: false, batch: result };
    if (result.batch.ids.length === 0) return { queued: false, batch: fromRecommend(result.batch) };
    const next = await this.store.queueAndNext(viewer, channelId, stamp, splitRun(result.batch));
    return { queued: true, batch: dealtOrEnd(next) };
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

/** Another request of this viewer took the last queued batch meanwhile: the run is over. */
function dealtOrEnd(next: NextBatch): DealtBatch {
  return next.kind === 'empty' ? { ok: true, ids: [], cursor: 0, exposure: '' } : dealt(next);
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
