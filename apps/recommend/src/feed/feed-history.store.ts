import { REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { RecoKeys } from '../candidates/reco-keys';
import type { RecommendConfig } from '../config/recommend.config';
import { decodeBatch, encodeBatch, type StoredBatch } from './batch-plan.util';

/** Per reader and channel: the articles shown (exposures) and the batches served (for replays). */
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

  /** Stored batches, newest first. */
  async batches(reader: string, channelId: number): Promise<StoredBatch[]> {
    const members = await this.state.zrevrange(RecoKeys.batches(reader, channelId), 0, -1);
    return members.flatMap((member) => decodeBatch(member) ?? []);
  }

  async exposed(reader: string, channelId: number): Promise<Set<string>> {
    return new Set(await this.state.zrange(RecoKeys.exposed(reader, channelId), 0, -1));
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
    const exposed = RecoKeys.exposed(reader, channelId);
    const ttl = this.config.RECO_HISTORY_TTL_SECONDS;
    const multi = this.state
      .multi()
      .zadd(batches, batch.stamp, encodeBatch(batch))
      .zremrangebyrank(batches, 0, -(this.config.RECO_BATCH_HISTORY_SIZE + 1))
      .expire(batches, ttl);
    if (restart) multi.del(exposed);
    if (batch.ids.length > 0) multi.zadd(exposed, ...batch.ids.flatMap((id) => [batch.stamp, id]));
    await multi.expire(exposed, ttl).exec();
  }
}
