import { execReplies, REDIS_STATE, StateKeys } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { RecoKeys } from '../candidates/reco-keys';
import type { RecommendConfig } from '../config/recommend.config';
import { decodeBatch, encodeBatch, type StoredBatch } from './batch-plan.util';
import { packPrints, ShownArticles } from './exposure-prints';

export interface ReaderHistory {
  /**
   * Newest first: the newest stored batch, then the two at or before the request's stamp (what
   * `planBatch` needs of the history, without reading all of it).
   */
  batches: StoredBatch[];
  exposed: ShownArticles;
  /** Ids of the articles a signed-in user read, newest first; empty for anonymous readers. */
  read: string[];
}

/**
 * Per reader and channel: the articles shown (exposures, four bytes each) and the batches served
 * (for replays).
 */
@Injectable()
export class FeedHistoryStore {
  constructor(
    @Inject(REDIS_STATE) private readonly state: Redis,
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      'RECO_BATCH_HISTORY_SIZE' | 'RECO_HISTORY_TTL_SECONDS'
    >,
  ) {}

  /**
   * Everything a request with `stamp` needs about its reader in one round trip: the batches that
   * decide fresh or replay (see `ReaderHistory.batches`), the exposures, and for a signed-in user
   * the reading history (newest first).
   */
  async read(reader: string, channelId: number, stamp: number, userId?: string): Promise<ReaderHistory> {
    const batchesKey = RecoKeys.batches(reader, channelId);
    const pipeline = this.state
      .pipeline()
      .zrevrange(batchesKey, 0, 0)
      .zrevrangebyscore(batchesKey, stamp, '-inf', 'LIMIT', 0, 2)
      .getBuffer(RecoKeys.shown(reader, channelId))
      .smembers(RecoKeys.seen(reader, channelId))
      .zrange(RecoKeys.exposedBefore(reader, channelId), 0, -1);
    if (userId !== undefined) pipeline.zrevrange(StateKeys.readingHistory(userId), 0, -1);
    const [newest, atOrBefore, shown, seen, seenBefore, read = []] = (await execReplies(pipeline)) as [
      string[],
      string[],
      Buffer | null,
      string[],
      string[],
      string[]?,
    ];
    return {
      batches: [...new Set([...newest, ...atOrBefore])].flatMap((member) => decodeBatch(member) ?? []),
      exposed: new ShownArticles(shown, seenBefore.length > 0 ? [...seen, ...seenBefore] : seen),
      read,
    };
  }

  /**
   * Records a served batch and its exposures in one transaction. `restart` empties the exposures
   * first (the pool ran out), so they start over with this batch.
   */
  async record(
    reader: string,
    channelId: number,
    batch: StoredBatch,
    restart: boolean,
  ): Promise<void> {
    const batches = RecoKeys.batches(reader, channelId);
    const shown = RecoKeys.shown(reader, channelId);
    const ttl = this.config.RECO_HISTORY_TTL_SECONDS;
    const multi = this.state
      .multi()
      .zadd(batches, batch.stamp, encodeBatch(batch))
      .zremrangebyrank(batches, 0, -(this.config.RECO_BATCH_HISTORY_SIZE + 1))
      .expire(batches, ttl);
    if (restart) multi.del(shown, RecoKeys.seen(reader, channelId), RecoKeys.exposedBefore(reader, channelId));
    if (batch.ids.length > 0) multi.append(shown, packPrints(batch.ids));
    await multi.expire(shown, ttl).exec();
  }
}
