import type Redis from 'ioredis';

import { CandidateIndex } from '../src/candidates/candidate-index';
import { CandidateSnapshot } from '../src/candidates/candidate-snapshot';
import { FeedHistoryStore } from '../src/feed/feed-history.store';
import { PopularityReader } from '../src/feed/popularity.reader';
import { SharedRankingCache } from '../src/feed/shared-ranking.cache';
import { UserRecommendService } from '../src/feed/user-recommend.service';

/** The recommend settings of the integration tests (the defaults, a short history TTL). */
export const RECOMMEND_TEST_CONFIG = {
  RECO_HALF_LIFE_HOURS: 24,
  RECO_ALGO1_WEIGHTS: { recency: 1, popularity: 0.25, interest: 0.5 },
  RECO_ALGO2_WEIGHTS: { recency: 0.5, popularity: 0.5, interest: 0.5 },
  RECO_RANK_WINDOW: 200,
  RECO_SNAPSHOT_INTERVAL_MS: 10_000,
  RECO_CANDIDATES_PER_CHANNEL: 2000,
  RECO_BATCH_HISTORY_SIZE: 50,
  RECO_HISTORY_TTL_SECONDS: 3600,
  RECO_COLD_START_BATCHES: 5,
};

/** `user_recommend` over a real state Redis: the candidate index to fill, its snapshot to (re)load, the service. */
export function newFeedService(
  state: Redis,
  config = RECOMMEND_TEST_CONFIG,
): { index: CandidateIndex; snapshot: CandidateSnapshot; service: UserRecommendService } {
  const index = new CandidateIndex(state);
  const snapshot = new CandidateSnapshot(config, index, new PopularityReader(state));
  const clock = () => Date.now();
  const service = new UserRecommendService(
    config,
    snapshot,
    new SharedRankingCache(config, snapshot, clock),
    new FeedHistoryStore(state, config),
    clock,
  );
  return { index, snapshot, service };
}
