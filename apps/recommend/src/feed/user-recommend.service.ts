import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';

import { ALL_CHANNELS } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RankWeights, RecommendConfig } from '../config/recommend.config';
import { nextStamp, planBatch, STAMP_SKEW_MS } from './batch-plan.util';
import { type Clock, RECO_CLOCK } from './clock';
import { ShownArticles } from './exposure-prints';
import { drawBatch } from './exposure.util';
import { FeedHistoryStore } from './feed-history.store';
import {
  channelInterest,
  HOUR_MS,
  rank,
  type RankContext,
  type RankInput,
  topInOrder,
  topInterests,
} from './ranking.util';
import { type Reader, readerOf } from './reader.util';
import { SharedRankingCache } from './shared-ranking.cache';
import {
  AlgorithmCombine,
  algorithmFor,
  type ArticleParams,
  articleParams,
  exposureParam,
} from '@app/contracts';

export const DEFAULT_ARTICLE_NUM = 10;
export const MAX_ARTICLE_NUM = 100;

/** Orders a window of candidates and returns the best `top` ids. */
type RankTop = (entries: RankInput[], top: number) => string[];

export interface FeedRequest {
  userId: string;
  channelId: number;
  articleNum: number;
  /** Milliseconds; see `planBatch`. */
  timeStamp: number;
  /** False leaves out the per-article tracking strings (a caller that does not hand them on). */
  withParams?: boolean;
}

export interface FeedResult {
  exposure: string;
  recommends: Array<{ articleId: string; params?: ArticleParams }>;
  timeStamp: number;
}

/** The pools were never built (news unreachable since boot): callers should fall back. */
export class CandidatesNotReadyError extends Error {
  constructor() {
    super('candidate pools are not built yet');
  }
}

/**
 * A reader's requests that came at once are answered as if one by one: a fresh batch is recorded
 * only over the history it was drawn from, and drawn again otherwise, at most this many times.
 */
const RECORD_ATTEMPTS = 5;

/** Other requests of the reader in the channel kept recording first: the caller may retry. */
export class FeedContendedError extends Error {
  constructor() {
    super('other requests of the reader in this channel recorded their batches first');
  }
}

/**
 * Channel 0 also ranks the newest unseen of this many of the reader's channels: a quiet channel's
 * articles are seldom among the newest of all channels, where interest alone could not bring
 * them up. A signed-in reader's channel-0 exposures have room for this many full channel pools
 * besides channel 0's, whichever channels they read, so no print is dropped when what they read
 * leaves the pools or moves to other channels.
 */
const INTEREST_POOLS = 3;

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
      | 'RECO_RANK_WINDOW'
      | 'RECO_CANDIDATES_PER_CHANNEL'
    >,
    private readonly snapshot: CandidateSnapshot,
    private readonly sharedRanking: SharedRankingCache,
    private readonly history: FeedHistoryStore,
    @Inject(RECO_CLOCK) private readonly clock: Clock,
  ) {}

  async recommend(request: FeedRequest): Promise<FeedResult> {
    const reader = readerOf(request.userId);
    if (reader.kind === 'none') return EMPTY_FEED;
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.answer(request, reader);
      if (answer) return answer;
      if (attempt >= RECORD_ATTEMPTS) throw new FeedContendedError();
    }
  }

  /**
   * One reading of the reader's history and what it gives; undefined when a fresh batch could not
   * be recorded because another request of the reader recorded one since the reading.
   */
  private async answer(
    request: FeedRequest,
    reader: Exclude<Reader, { kind: 'none' }>,
  ): Promise<FeedResult | undefined> {
    const channelId = Math.max(request.channelId, ALL_CHANNELS);
    const count =
      request.articleNum > 0 ? Math.min(request.articleNum, MAX_ARTICLE_NUM) : DEFAULT_ARTICLE_NUM;
    const algorithm = algorithmFor(request.userId);
    const {
      batches,
      drawn: drawnBefore,
      exposed,
      read,
      newest,
    } = await this.history.read(
      reader.key,
      channelId,
      request.timeStamp,
      reader.kind === 'user' ? reader.userId : undefined,
    );
    const plan = planBatch(request.timeStamp, batches, drawnBefore);
    const withParams = request.withParams !== false;
    if (plan.kind === 'replay')
      return this.track(request.userId, plan.ids, plan.cursor, algorithm, false, withParams);
    if (!(await this.snapshot.ready())) throw new CandidatesNotReadyError();

    const now = this.clock();
    const weights = this.weightsOf(algorithm);
    const interest = channelInterest(
      read.flatMap((id) => this.snapshot.article(id)?.channelId ?? []),
    );
    const rankTop =
      interest.size === 0
        ? this.sharedTop(channelId, algorithm, weights)
        : this.personalTop({ now, weights, interest });
    const pool = this.snapshot.pool(channelId);
    const alsoFrom =
      channelId === ALL_CHANNELS
        ? topInterests(interest, INTEREST_POOLS).map((id) => this.snapshot.pool(id))
        : [];
    const drawn = drawBatch(pool, exposed, count, this.config.RECO_RANK_WINDOW, rankTop, alsoFrom);
    if (drawn.ids.length === 0)
      return this.track(request.userId, [], plan.cursor, algorithm, true, withParams);
    const recorded = await this.history.record(
      reader.key,
      channelId,
      {
        stamp: nextStamp(request.timeStamp, batches, now + STAMP_SKEW_MS),
        ids: drawn.ids,
        asked: request.timeStamp,
      },
      {
        restart: drawn.restarted,
        newest,
        poolSize:
          channelId === ALL_CHANNELS && reader.kind === 'user'
            ? pool.length + INTEREST_POOLS * this.config.RECO_CANDIDATES_PER_CHANNEL
            : pool.length,
      },
    );
    if (!recorded) return undefined;
    return this.track(request.userId, drawn.ids, plan.cursor, algorithm, true, withParams);
  }

  /**
   * What a new anonymous reader of the channel would be drawn now (no exposures, no interests):
   * the first `count` of the shared ranking within the rank window.
   */
  coldStartRun(channelId: number, algorithm: AlgorithmCombine, count: number): string[] {
    return drawBatch(
      this.snapshot.pool(channelId),
      ShownArticles.NONE,
      count,
      this.config.RECO_RANK_WINDOW,
      this.sharedTop(channelId, algorithm, this.weightsOf(algorithm)),
    ).ids;
  }

  private weightsOf(algorithm: AlgorithmCombine): RankWeights {
    return algorithm === AlgorithmCombine.Algo2
      ? this.config.RECO_ALGO2_WEIGHTS
      : this.config.RECO_ALGO1_WEIGHTS;
  }

  private sharedTop(channelId: number, algorithm: AlgorithmCombine, weights: RankWeights): RankTop {
    const order = this.sharedRanking.order(channelId, algorithm, weights);
    return (entries, top) => topInOrder(order, entries, top);
  }

  private personalTop(context: Omit<RankContext, 'halfLifeMs'>): RankTop {
    const halfLifeMs = this.config.RECO_HALF_LIFE_HOURS * HOUR_MS;
    return (entries, top) =>
      entries.length === 0 || top <= 0
        ? []
        : rank(entries, { ...context, halfLifeMs }).slice(0, top);
  }

  private track(
    userId: string,
    ids: string[],
    cursor: number,
    algorithm: AlgorithmCombine,
    fresh: boolean,
    withParams: boolean,
  ): FeedResult {
    return {
      // Replays carry no exposure: those articles were already counted as shown.
      exposure: fresh && ids.length > 0 ? exposureParam(userId, ids, algorithm) : '',
      recommends: ids.map((articleId) =>
        withParams
          ? { articleId, params: articleParams(userId, articleId, algorithm) }
          : { articleId },
      ),
      timeStamp: cursor,
    };
  }
}
