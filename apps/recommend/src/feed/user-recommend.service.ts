import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';

import { ALL_CHANNELS, CandidateIndex } from '../candidates/candidate-index';
import type { RankWeights, RecommendConfig } from '../config/recommend.config';
import { nextStamp, planBatch } from './batch-plan.util';
import { type Clock, RECO_CLOCK } from './clock';
import { drawBatch } from './exposure.util';
import { FeedHistoryStore } from './feed-history.store';
import { PopularityReader } from './popularity.reader';
import { rank, type PoolEntry, type RankInput } from './ranking.util';
import { readerOf } from './reader.util';
import { ReadingInterestReader } from './reading-interest.reader';
import {
  AlgorithmCombine,
  algorithmFor,
  type ArticleParams,
  articleParams,
  exposureParam,
} from './tracking.util';

export const DEFAULT_ARTICLE_NUM = 10;
export const MAX_ARTICLE_NUM = 100;
const HOUR_MS = 3_600_000;

export interface FeedRequest {
  userId: string;
  channelId: number;
  articleNum: number;
  /** Milliseconds; see `planBatch`. */
  timeStamp: number;
}

export interface FeedResult {
  exposure: string;
  recommends: Array<{ articleId: string; params: ArticleParams }>;
  timeStamp: number;
}

/** The pools were never built (news unreachable since boot): callers should fall back. */
export class CandidatesNotReadyError extends Error {
  constructor() {
    super('candidate pools are not built yet');
  }
}

export const EMPTY_FEED: FeedResult = { exposure: '', recommends: [], timeStamp: 0 };

/** `user_recommend`: timestamp batches of ranked, never-repeated candidates per reader and channel. */
@Injectable()
export class UserRecommendService {
  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      | 'RECO_HALF_LIFE_HOURS'
      | 'RECO_ALGO1_WEIGHTS'
      | 'RECO_ALGO2_WEIGHTS'
      | 'RECO_CANDIDATES_PER_CHANNEL'
      | 'RECO_RANK_WINDOW'
    >,
    private readonly candidates: CandidateIndex,
    private readonly history: FeedHistoryStore,
    private readonly popularity: PopularityReader,
    private readonly interests: ReadingInterestReader,
    @Inject(RECO_CLOCK) private readonly clock: Clock,
  ) {}

  async recommend(request: FeedRequest): Promise<FeedResult> {
    const reader = readerOf(request.userId);
    if (reader.kind === 'none') return EMPTY_FEED;
    const channelId = Math.max(request.channelId, ALL_CHANNELS);
    const count =
      request.articleNum > 0 ? Math.min(request.articleNum, MAX_ARTICLE_NUM) : DEFAULT_ARTICLE_NUM;
    const algorithm = algorithmFor(request.userId);
    const batches = await this.history.batches(reader.key, channelId);
    const plan = planBatch(request.timeStamp, batches);
    if (plan.kind === 'replay')
      return this.track(request.userId, plan.ids, plan.cursor, algorithm, false);

    const now = this.clock();
    const [exposed, interest] = await Promise.all([
      this.history.exposed(reader.key, channelId),
      reader.kind === 'user'
        ? this.interests.interest(reader.userId)
        : Promise.resolve(new Map<number, number>()),
    ]);
    const pool = await this.poolWindow(channelId, exposed);
    const weights =
      algorithm === AlgorithmCombine.Algo2
        ? this.config.RECO_ALGO2_WEIGHTS
        : this.config.RECO_ALGO1_WEIGHTS;
    const rankTop = (entries: PoolEntry[], top: number) =>
      this.rankTop(entries, top, { now, weights, interest });
    const drawn = await drawBatch(pool, exposed, count, this.config.RECO_RANK_WINDOW, rankTop);
    if (pool.length === 0 && !(await this.candidates.isBuilt()))
      throw new CandidatesNotReadyError();
    if (drawn.ids.length === 0) return this.track(request.userId, [], plan.cursor, algorithm, true);
    await this.history.record(
      reader.key,
      channelId,
      { stamp: nextStamp(now, batches), ids: drawn.ids },
      drawn.restarted,
    );
    return this.track(request.userId, drawn.ids, plan.cursor, algorithm, true);
  }

  /**
   * The newest candidates, page by page, until a rank window of unseen ones is found or the pool
   * ends: a short history reads one page instead of the whole pool.
   */
  private async poolWindow(channelId: number, exposed: ReadonlySet<string>): Promise<PoolEntry[]> {
    const page = this.config.RECO_RANK_WINDOW;
    const limit = this.config.RECO_CANDIDATES_PER_CHANNEL;
    const pool: PoolEntry[] = [];
    let unseen = 0;
    while (pool.length < limit) {
      const size = Math.min(page, limit - pool.length);
      const entries = await this.candidates.pool(channelId, size, pool.length);
      pool.push(...entries);
      unseen += entries.filter((entry) => !exposed.has(entry.id)).length;
      if (entries.length < size || unseen >= page) break;
    }
    return pool;
  }

  private async rankTop(
    entries: PoolEntry[],
    top: number,
    context: { now: number; weights: RankWeights; interest: Map<number, number> },
  ): Promise<string[]> {
    if (entries.length === 0 || top <= 0) return [];
    const ids = entries.map((entry) => entry.id);
    const [popularity, channels] = await Promise.all([
      this.popularity.read(ids),
      context.interest.size > 0 ? this.candidates.channelsOf(ids) : Promise.resolve([]),
    ]);
    const inputs: RankInput[] = entries.map((entry, index) => ({
      ...entry,
      popularity: popularity[index],
      channelId: channels[index],
    }));
    return rank(inputs, {
      ...context,
      halfLifeMs: this.config.RECO_HALF_LIFE_HOURS * HOUR_MS,
    }).slice(0, top);
  }

  private track(
    userId: string,
    ids: string[],
    cursor: number,
    algorithm: AlgorithmCombine,
    fresh: boolean,
  ): FeedResult {
    return {
      // Replays carry no exposure: those articles were already counted as shown.
      exposure: fresh && ids.length > 0 ? exposureParam(userId, ids, algorithm) : '',
      recommends: ids.map((articleId) => ({
        articleId,
        params: articleParams(userId, articleId, algorithm),
      })),
      timeStamp: cursor,
    };
  }
}
