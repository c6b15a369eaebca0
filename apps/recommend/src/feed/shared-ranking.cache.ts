import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';

import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RankWeights, RecommendConfig } from '../config/recommend.config';
import { type Clock, RECO_CLOCK } from './clock';
import { HOUR_MS, rank, type RankedPool, rankedPool } from './ranking.util';
import type { AlgorithmCombine } from '@app/contracts';

const NO_INTEREST: ReadonlyMap<number, number> = new Map();
const NO_RANKING = rankedPool([]);

/**
 * Without channel interests (anonymous devices, users with no reading history) the ranking of a
 * pool is the same for every reader: it is computed once per channel and algorithm and kept
 * until the snapshot changes. Recency is taken at that moment, at most one snapshot interval old.
 */
@Injectable()
export class SharedRankingCache {
  private readonly orders = new Map<string, RankedPool>();
  private generation = -1;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<RecommendConfig, 'RECO_HALF_LIFE_HOURS'>,
    private readonly snapshot: CandidateSnapshot,
    @Inject(RECO_CLOCK) private readonly clock: Clock,
  ) {}

  /** How many rankings are kept (channels with a pool, per algorithm). */
  get kept(): number {
    return this.orders.size;
  }

  /** The whole pool of a channel, best first. */
  order(channelId: number, algorithm: AlgorithmCombine, weights: RankWeights): RankedPool {
    if (this.generation !== this.snapshot.generation) {
      this.orders.clear();
      this.generation = this.snapshot.generation;
    }
    const pool = this.snapshot.pool(channelId);
    // Not kept: a caller may send any channel_id, and each would stay until the snapshot changes.
    if (pool.length === 0) return NO_RANKING;
    const key = `${channelId}:${algorithm}`;
    let order = this.orders.get(key);
    if (!order) {
      order = rankedPool(
        rank(pool, {
          now: this.clock(),
          halfLifeMs: this.config.RECO_HALF_LIFE_HOURS * HOUR_MS,
          weights,
          interest: NO_INTEREST,
        }),
      );
      this.orders.set(key, order);
    }
    return order;
  }
}
