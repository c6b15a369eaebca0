import { APP_CONFIG } from '@app/config';
import { exposureParam } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { ReadingTracker } from '../articles/reading-tracker';
import { algorithmOfViewer, FeedBatchStore, type NextBatch, type QueuedBatch } from './feed-batch.store';
import type { FeedViewer } from './feed-viewer';
import { exposureOfBatch } from './tracking.util';
import {
  FEED_ARTICLE_NUM,
  RECOMMEND_MAX_ARTICLE_NUM,
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
 * and channel share a refill. A device new to a channel (or a user without reading history, who
 * ranks the same) starts with the channel's published cold-start run and no call at all; the
 * first refill draws that many more and leaves them out.
 */
@Injectable()
export class FeedBatchDealer {
  private readonly logger = new Logger(FeedBatchDealer.name);
  /** Refills in flight per viewer and channel: undefined once queued, else what waiters answer. */
  private readonly refills = new Map<string, Promise<DealtBatch | undefined>>();

  constructor(
    private readonly store: FeedBatchStore,
    private readonly recommender: UserRecommendClient,
    private readonly reading: ReadingTracker,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'FEED_PREFETCH_BATCHES'>,
  ) {}

  async deal(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch> {
    try {
      let next = await this.store.next(viewer, channelId, stamp, viewer.kind === 'device');
      // A user without reading history ranks as a new device would: start cold too.
      if (next.kind === 'empty' && next.isNew && viewer.kind === 'user' && !(await this.reading.hasHistory(viewer.id)))
        next = await this.store.next(viewer, channelId, stamp, true);
      if (next.kind !== 'empty') return dealt(next, viewer);
      return await this.dealFromRefill(viewer, channelId, stamp, next.coldIds);
    } catch (error) {
      // The cache role is down or evicting: one batch straight from the recommend service.
      this.logger.warn(`feed queue unavailable: ${error instanceof Error ? error.message : String(error)}`);
      const result = await this.recommender.recommend(viewer.id, channelId, stamp, FEED_ARTICLE_NUM);
      return result.ok ? fromRecommend(result.batch) : result;
    }
  }

  /** The queue ran dry: wait for the refill in flight and take the next batch, or draw a run. */
  private async dealFromRefill(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): Promise<DealtBatch> {
    const key = `${viewer.kind}:${viewer.id}:${channelId}`;
    const running = this.refills.get(key);
    if (running) {
      const instead = await running;
      return instead ?? dealtOrEnd(await this.store.next(viewer, channelId, stamp, false), viewer);
    }
    const refill = this.refill(viewer, channelId, stamp, coldIds);
    const forWaiters = refill
      .then((result) => (result.queued ? undefined : result.batch))
      .finally(() => this.refills.delete(key));
    // Waiters see a failure themselves; with none waiting it must not count as unhandled.
    forWaiters.catch(() => undefined);
    this.refills.set(key, forWaiters);
    return (await refill).batch;
  }

  /**
   * Draws a run, queues it and deals its first batch in one round trip (`queued`), or says why
   * not. The cold-start ids the viewer was dealt are drawn along (so the recommend service counts
   * them as shown) and left out of the run.
   */
  private async refill(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): Promise<{ queued: boolean; batch: DealtBatch }> {
    const articleNum = Math.min(
      FEED_ARTICLE_NUM * this.config.FEED_PREFETCH_BATCHES + coldIds.length,
      RECOMMEND_MAX_ARTICLE_NUM,
    );
    const result = await this.recommender.recommend(viewer.id, channelId, stamp, articleNum);
    if (!result.ok) return { queued: false, batch: result };
    const run = result.batch;
    if (run.ids.length === 0) return { queued: false, batch: fromRecommend(run) };
    const dealtBefore = new Set(coldIds);
    const drawn = new Set(run.ids);
    const batches = splitRun({ ...run, ids: run.ids.filter((id) => !dealtBefore.has(id)) });
    const stillUndrawn = coldIds.filter((id) => !drawn.has(id));
    let next: NextBatch;
    try {
      next = await this.store.queueAndNext(viewer, channelId, stamp, batches, stillUndrawn);
    } catch (error) {
      // The recommend service has counted the whole run as shown: deal from it, do not draw again.
      this.logger.warn(`feed run not queued: ${error instanceof Error ? error.message : String(error)}`);
      return { queued: false, batch: fromRecommend({ ...run, ...(batches[0] ?? { ids: [], exposure: '' }) }) };
    }
    return { queued: true, batch: dealtOrEnd(next, viewer) };
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
function dealtOrEnd(next: NextBatch, viewer: FeedViewer): DealtBatch {
  return next.kind === 'empty' ? { ok: true, ids: [], cursor: 0, exposure: '' } : dealt(next, viewer);
}

function dealt(next: Exclude<NextBatch, { kind: 'empty' }>, viewer: FeedViewer): DealtBatch {
  const { ids, exposure } = next.batch;
  return {
    ok: true,
    ids,
    cursor: next.cursor,
    // A cold-start batch was published for every new reader: its exposure names this one.
    exposure:
      next.kind === 'replay' ? '' : exposure || exposureParam(viewer.id, ids, algorithmOfViewer(viewer)),
  };
}

function fromRecommend(batch: RecommendBatch): DealtBatch {
  return { ok: true, ids: batch.ids, cursor: batch.timeStamp, exposure: batch.exposure };
}
