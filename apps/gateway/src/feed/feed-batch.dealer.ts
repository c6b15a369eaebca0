import { APP_CONFIG, errorMessage } from '@app/config';
import { exposureParam } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import type { GatewayConfig } from '../config/gateway.config';
import { ReadingTracker } from '../articles/reading-tracker';
import {
  algorithmOfViewer,
  FeedBatchStore,
  type NextBatch,
  type QueuedBatch,
} from './feed-batch.store';
import type { FeedViewer } from './feed-viewer';
import { FeedMetrics, type RecommendFailure } from './feed.metrics';
import { batchExposures } from './tracking.util';
import {
  FEED_ARTICLE_NUM,
  FEED_RECOMMEND_DEADLINE_MS,
  RECOMMEND_MAX_ARTICLE_NUM,
  type RecommendBatch,
  type RecommendResult,
  UserRecommendClient,
} from './user-recommend.client';

/**
 * A batch for one feed request; `exposure` is empty for replays (those were counted when first
 * shown). `continued`: the stamp is the cursor of a batch served, so the page goes on from that
 * one (see `NextBatch`). `beforeHistory`: the stamp is older than every batch the viewer was
 * served, so it is no stamp of theirs to replay but a time cursor. A failure is `continued` when the
 * stamp went on from a batch served, so the fallback page does too.
 */
export type DealtBatch =
  | {
      ok: true;
      ids: string[];
      cursor: number;
      exposure: string;
      continued: boolean;
      /** A replay of an older stamp (see `NextBatch`). */
      older?: boolean;
      /** The stamp is the time cursor of a fallback page served to the viewer (see `NextBatch`). */
      timeCursor?: boolean;
    }
  | { ok: false; reason: RecommendFailure; continued?: boolean }
  | { ok: false; beforeHistory: true };

/**
 * How a refill that other requests wait for ended: its run is queued, or it has the answer for
 * them (the run could not be queued, or the recommend service failed them), or (a refill drawn
 * ahead) it failed and each waiter draws for itself.
 */
type RefillOutcome =
  { kind: 'queued' } | { kind: 'answer'; batch: DealtBatch } | { kind: 'failed' };

/**
 * Deals feed batches one per request from runs of FEED_PREFETCH_BATCHES batches that one
 * `user_recommend` call draws (exposures and ranking are the recommend service's), so most
 * feed requests cost one Redis round trip and no gRPC call. The request that takes the last
 * queued batch (also one that waited for a refill) starts drawing the next run without waiting
 * for it, so the next request finds it queued. Concurrent requests of one viewer and channel
 * share a refill. A device new to a channel (or a user without reading history, who ranks the
 * same) starts with the channel's published cold-start run and no call at all; the first refill
 * draws that many more and leaves them out.
 */
@Injectable()
export class FeedBatchDealer {
  private readonly logger = new Logger(FeedBatchDealer.name);
  /** Refills in flight per viewer and channel. */
  private readonly refills = new Map<string, Promise<RefillOutcome>>();
  /** The stamp of the last call per viewer and channel (see `recommendStamp`). */
  private readonly drawnStamps = new LRUCache<string, number>({ max: 100_000 });

  constructor(
    private readonly store: FeedBatchStore,
    private readonly recommender: UserRecommendClient,
    private readonly reading: ReadingTracker,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'FEED_PREFETCH_BATCHES'>,
    private readonly metrics: FeedMetrics,
  ) {}

  async deal(viewer: FeedViewer, channelId: number, stamp: number): Promise<DealtBatch> {
    try {
      let next = await this.store.next(viewer, channelId, stamp, viewer.kind === 'device');
      // A user without reading history ranks as a new device would: start cold too.
      if (
        next.kind === 'empty' &&
        next.isNew &&
        viewer.kind === 'user' &&
        !(await this.reading.hasHistory(viewer.id))
      )
        next = await this.store.next(viewer, channelId, stamp, true);
      if (next.kind !== 'empty') return this.take(next, viewer, channelId, stamp);
      const drawn = await this.dealFromRefill(viewer, channelId, stamp, next.coldIds);
      // Whatever answers a stamp that goes on from a batch goes on too, also a refill's failure.
      return next.continued && !('beforeHistory' in drawn) ? { ...drawn, continued: true } : drawn;
    } catch (error) {
      // The cache role is down or evicting: one batch straight from the recommend service.
      this.logger.warn(`feed queue unavailable: ${errorMessage(error)}`);
      const result = await this.drawFresh(viewer, channelId, stamp, FEED_ARTICLE_NUM);
      return result.ok ? fromRecommend(result.batch) : result;
    }
  }

  /**
   * The articles the viewer was dealt in the channel (within the history kept) or has queued, for
   * a fallback page to leave out; none when the queue cannot be read.
   */
  dealtIds(viewer: FeedViewer, channelId: number): Promise<ReadonlySet<string>> {
    return this.unlessQueueDown(() => this.store.dealtIds(viewer, channelId), new Set());
  }

  /**
   * Remembers the time cursor of a fallback page served to the viewer, so the page that brings it
   * back goes on from that one, and the articles `shown` on it, which the batches dealt after it
   * leave out; a cache role that cannot keep them only costs that page the pins and may show them
   * again.
   */
  markTimeCursor(
    viewer: FeedViewer,
    channelId: number,
    cursor: number,
    shown: readonly string[],
  ): Promise<void> {
    return this.unlessQueueDown(
      () => this.store.markTimeCursor(viewer, channelId, cursor, shown),
      undefined,
    );
  }

  /**
   * Up to `count` queued ids added to the fresh batch dealt under `stamp`, in place of articles
   * withdrawn since it was queued; none when nothing is queued or the queue cannot be read. Taking
   * the last queued ids draws the next run, as taking the last batch does.
   */
  async topUp(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    count: number,
  ): Promise<string[]> {
    return this.unlessQueueDown(async () => {
      const { ids, lastQueued, coldIds } = await this.store.topUp(viewer, channelId, stamp, count);
      if (lastQueued) this.drawAhead(viewer, channelId, stamp, coldIds);
      return ids;
    }, []);
  }

  /** What `work` answers, or `otherwise` (logged) when the cache role holding the queue fails it. */
  private async unlessQueueDown<T>(work: () => Promise<T>, otherwise: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn(`feed queue unavailable: ${errorMessage(error)}`);
      return otherwise;
    }
  }

  /** The queue ran dry: wait for the refill in flight and take the next batch, or draw a run. */
  private async dealFromRefill(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): Promise<DealtBatch> {
    const key = refillKey(viewer, channelId);
    const running = this.refills.get(key);
    if (running) {
      const outcome = await running;
      if (outcome.kind === 'answer') return outcome.batch;
      const next = await this.store.next(viewer, channelId, stamp, false);
      if (next.kind !== 'empty') return this.take(next, viewer, channelId, stamp);
      // Queued, but other requests took it all: the run is over. Drawn ahead but failed: draw here
      // (the cold ids it would have left out are still stored).
      return outcome.kind === 'queued'
        ? dealtOrEnd(next, viewer)
        : this.dealFromRefill(viewer, channelId, stamp, next.coldIds);
    }
    const refill = this.refill(viewer, channelId, stamp, coldIds);
    this.share(
      key,
      refill.then((result): RefillOutcome =>
        result.queued ? { kind: 'queued' } : { kind: 'answer', batch: result.batch },
      ),
    );
    return (await refill).batch;
  }

  /** Deals a batch from the queue; the last one queued starts drawing the next run. */
  private take(
    next: Exclude<NextBatch, { kind: 'empty' }>,
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
  ): DealtBatch {
    if (next.kind === 'beforeHistory') return BEFORE_HISTORY;
    if (next.kind === 'fresh' && next.lastQueued)
      this.drawAhead(viewer, channelId, stamp, next.coldIds);
    return dealt(next, viewer);
  }

  /**
   * Draws the next run while the viewer reads the last queued batch, under the same deadline as a
   * refill. Nobody waits for it unless the next request comes first; if it fails, that request
   * draws for itself.
   */
  private drawAhead(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): void {
    const key = refillKey(viewer, channelId);
    if (this.refills.has(key)) return;
    this.share(key, this.queueRun(viewer, channelId, stamp, coldIds));
  }

  private async queueRun(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): Promise<RefillOutcome> {
    const drawn = await this.drawRun(viewer, channelId, stamp, coldIds);
    // An empty run leaves the answer to the next request's own draw.
    if (!drawn.ok || drawn.run.ids.length === 0) return { kind: 'failed' };
    try {
      await this.store.queue(viewer, channelId, drawn.batches, drawn.stillUndrawn);
      return { kind: 'queued' };
    } catch (error) {
      this.logger.warn(`feed run not queued: ${errorMessage(error)}`);
      return { kind: 'failed' };
    }
  }

  /**
   * The stamp a draw is made under. The recommend service keeps its own history by stamp (a newer
   * one draws, one at or before its newest replays), and the cursor a page goes on from may be
   * older than a stamp drawn for since (toutiao-m keeps its cursor over a pull-to-refresh): the
   * clock keeps the stamps in order, and one more than the last when the clock has not passed it
   * (it has not moved, or the last was a redraw's, ahead of it).
   */
  private recommendStamp(viewer: FeedViewer, channelId: number, stamp: number): number {
    return this.nextStamp(viewer, channelId, Math.max(stamp, Date.now()));
  }

  /** `atLeast`, or one more than the last stamp of the viewer and channel; kept as their last. */
  private nextStamp(viewer: FeedViewer, channelId: number, atLeast: number): number {
    const key = refillKey(viewer, channelId);
    const next = Math.max(atLeast, (this.drawnStamps.get(key) ?? 0) + 1);
    this.drawnStamps.set(key, next);
    return next;
  }

  /**
   * One `user_recommend` call for `articleNum` articles never dealt to the viewer. Another gateway
   * (or this one before a restart) may have drawn under a later stamp than this one's: the answer
   * is then a replay of a batch dealt already, so one more draw, within the same deadline. A replay
   * again (a clock over a minute behind the stamps kept) answers no articles: those were dealt.
   */
  private async drawFresh(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    articleNum: number,
    deadline = Date.now() + FEED_RECOMMEND_DEADLINE_MS,
  ): Promise<RecommendResult> {
    const result = await this.recommender.recommend(
      viewer.id,
      channelId,
      this.recommendStamp(viewer, channelId, stamp),
      articleNum,
      deadline,
    );
    if (!result.ok || !replayed(result.batch)) return result;
    // The service keeps the run under a stamp the clock has not reached: later draws go past it.
    const redrawStamp = this.nextStamp(viewer, channelId, Date.now() + REDRAW_LEAD_MS);
    const redrawn = await this.recommender.recommend(
      viewer.id,
      channelId,
      redrawStamp,
      articleNum,
      deadline,
    );
    return redrawn.ok && replayed(redrawn.batch)
      ? { ok: true, batch: { ...redrawn.batch, ids: [] } }
      : redrawn;
  }

  /** Lets other requests of the viewer and channel wait for `outcome` until it settles. */
  private share(key: string, outcome: Promise<RefillOutcome>): void {
    const shared = outcome.finally(() => this.refills.delete(key));
    // Waiters see a failure themselves; with none waiting it must not count as unhandled.
    shared.catch(() => undefined);
    this.refills.set(key, shared);
  }

  /**
   * Draws a run, queues it and deals its first batch in one round trip (`queued`), or says why
   * not. The cold-start ids the viewer was dealt are drawn along (so the recommend service counts
   * them as shown) and left out of the run. A run the viewer's fallback pages showed whole leaves
   * nothing to deal: another is drawn (the recommend service counted that one as shown), at most
   * RUNS_PER_REFILL in all, all within one recommend deadline: none is started with less of it left
   * than the last one took (the recommend service records a run it drew past the caller's deadline,
   * so a late one's articles would count as shown and the page fall back all the same).
   */
  private async refill(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
  ): Promise<{ queued: boolean; batch: DealtBatch }> {
    const deadline = Date.now() + FEED_RECOMMEND_DEADLINE_MS;
    let leftOut = coldIds;
    for (let runs = 1; ; runs += 1) {
      const started = Date.now();
      const drawn = await this.drawRun(viewer, channelId, stamp, leftOut, deadline);
      if (!drawn.ok) return { queued: false, batch: drawn.failure };
      const { run, batches, stillUndrawn } = drawn;
      if (run.ids.length === 0) return { queued: false, batch: fromRecommend(run) };
      let next: NextBatch;
      try {
        next = await this.store.queueAndNext(viewer, channelId, stamp, batches, stillUndrawn);
      } catch (error) {
        // The recommend service has counted the whole run as shown: deal from it, do not draw again.
        this.logger.warn(`feed run not queued: ${errorMessage(error)}`);
        return {
          queued: false,
          batch: fromRecommend({ ...run, ...(batches[0] ?? { ids: [], exposure: '' }) }),
        };
      }
      if (next.kind === 'empty') this.metrics.runLeftEmpty();
      const now = Date.now();
      if (next.kind !== 'empty' || runs >= RUNS_PER_REFILL || deadline - now < now - started)
        return { queued: true, batch: dealtOrEnd(next, viewer) };
      leftOut = next.coldIds;
    }
  }

  /**
   * One `user_recommend` call for a run, cut into batches. The cold-start ids the viewer was dealt
   * are drawn along (so the recommend service counts them as shown) and left out of the batches,
   * unless the run holds nothing else; `stillUndrawn` are those it did not draw.
   */
  private async drawRun(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldIds: readonly string[],
    deadline = Date.now() + FEED_RECOMMEND_DEADLINE_MS,
  ): Promise<
    | { ok: true; run: RecommendBatch; batches: QueuedBatch[]; stillUndrawn: string[] }
    | { ok: false; failure: Extract<DealtBatch, { ok: false }> }
  > {
    const articleNum = Math.min(
      FEED_ARTICLE_NUM * this.config.FEED_PREFETCH_BATCHES + coldIds.length,
      RECOMMEND_MAX_ARTICLE_NUM,
    );
    const result = await this.drawFresh(viewer, channelId, stamp, articleNum, deadline);
    if (!result.ok) return { ok: false, failure: result };
    const run = result.batch;
    const dealtBefore = new Set(coldIds);
    const drawn = new Set(run.ids);
    const notDealt = run.ids.filter((id) => !dealtBefore.has(id));
    return {
      ok: true,
      run,
      // Nothing drawn that the cold-start run did not deal: the pool is exhausted for this viewer,
      // who starts over, as recommend starts a reader over whose exposures cover the pool.
      batches: splitRun({ ...run, ids: notDealt.length > 0 ? notDealt : run.ids }),
      stillUndrawn: coldIds.filter((id) => !drawn.has(id)),
    };
  }
}

/**
 * Runs one refill draws at most while the viewer's fallback pages showed all of each (see
 * `refill`): each draw takes its articles out of those left out, so a second one all but always
 * deals; the bound keeps the recommend service's load per request small.
 */
const RUNS_PER_REFILL = 3;

/**
 * How far ahead of this clock a redraw's stamp goes: past any stamp the recommend service holds
 * (it stores one ahead of its own clock as its clock plus a few seconds), so the draw is fresh, yet
 * near enough that a recommend server that stores stamps as sent (the original did) is only held
 * ahead for a minute, where a stamp at the end of time would make every later draw a replay.
 */
const REDRAW_LEAD_MS = 60_000;

/**
 * Whether the recommend service answered a replay: a fresh batch carries its exposure, an empty
 * one (nothing to draw) the newest stamp as its cursor. An empty one of a stamp before every batch
 * answers cursor 0, as an empty fresh one of a reader without history does: that costs a redraw.
 */
function replayed(batch: RecommendBatch): boolean {
  return batch.exposure === '' && (batch.ids.length > 0 || batch.timeStamp === 0);
}

function refillKey(viewer: FeedViewer, channelId: number): string {
  return `${viewer.kind}:${viewer.id}:${channelId}`;
}

/** A run cut into batches of the reference's size, each with the exposure string of its own ids. */
export function splitRun(run: RecommendBatch): QueuedBatch[] {
  const exposureOf = batchExposures(run.exposure);
  const batches: QueuedBatch[] = [];
  for (let start = 0; start < run.ids.length; start += FEED_ARTICLE_NUM) {
    const ids = run.ids.slice(start, start + FEED_ARTICLE_NUM);
    batches.push({ ids, exposure: exposureOf(ids) });
  }
  return batches;
}

const BEFORE_HISTORY: DealtBatch = { ok: false, beforeHistory: true };

/** Another request of this viewer took the last queued batch meanwhile: the run is over. */
function dealtOrEnd(next: NextBatch, viewer: FeedViewer): DealtBatch {
  if (next.kind === 'empty')
    return { ok: true, ids: [], cursor: 0, exposure: '', continued: next.continued };
  return next.kind === 'beforeHistory' ? BEFORE_HISTORY : dealt(next, viewer);
}

function dealt(
  next: Exclude<NextBatch, { kind: 'empty' | 'beforeHistory' }>,
  viewer: FeedViewer,
): DealtBatch {
  const { ids, exposure } = next.batch;
  return {
    ok: true,
    ids,
    cursor: next.cursor,
    continued: next.continued,
    older: next.kind === 'replay' && next.older,
    timeCursor: next.timeCursor === true,
    // A cold-start batch was published for every new reader: its exposure names this one.
    exposure:
      next.kind === 'replay'
        ? ''
        : exposure || exposureParam(viewer.id, ids, algorithmOfViewer(viewer)),
  };
}

/**
 * A fresh batch (one with an exposure) answers cursor 0, not the recommend service's pointer back
 * at its batch before, which toutiao-m would be dealt again: no history here holds it, so no page
 * could go on from it as from a queued one.
 */
function fromRecommend(batch: RecommendBatch): DealtBatch {
  const cursor = batch.exposure === '' ? batch.timeStamp : 0;
  return { ok: true, ids: batch.ids, cursor, exposure: batch.exposure, continued: false };
}
