import { CacheKeys, execReplies, REDIS_CACHE } from '@app/cache';
import { APP_CONFIG, errorMessage, PeriodicTask } from '@app/config';
import { AlgorithmCombine } from '@app/contracts';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RecommendConfig } from '../config/recommend.config';
import { DEFAULT_ARTICLE_NUM, UserRecommendService } from './user-recommend.service';

/** A published run outlives this service by an hour: new readers keep their first run meanwhile. */
export const COLD_START_TTL_SECONDS = 3600;

/**
 * Publishes, per channel and A/B algorithm, the first RECO_COLD_START_BATCHES batches a new
 * anonymous reader would be drawn (`CacheKeys.feedColdStart`, and their ids in
 * `CacheKeys.feedColdStartIds`), whenever the snapshot changed.
 * The gateway deals them to devices new to a channel without a call here, and leaves their ids
 * out of the device's next run.
 */
@Injectable()
export class ColdStartPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ColdStartPublisher.name);
  private publishedGeneration = -1;
  private publishing = false;
  private readonly rounds = new PeriodicTask(() => this.publish());

  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      'RECO_COLD_START_BATCHES' | 'RECO_SNAPSHOT_INTERVAL_MS'
    >,
    private readonly snapshot: CandidateSnapshot,
    private readonly feed: UserRecommendService,
    @Inject(REDIS_CACHE) private readonly cache: Redis,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RECO_COLD_START_BATCHES === 0) return;
    this.rounds.runNowAndEvery(this.config.RECO_SNAPSHOT_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.rounds.stop();
  }

  /** Writes the runs of every channel when the snapshot changed since the last time; true if it wrote. */
  async publish(): Promise<boolean> {
    if (this.publishing) return false;
    this.publishing = true;
    try {
      if (!(await this.snapshot.ready())) return false;
      // A copy behind Redis (a job landed on another replica) would publish what that job undid:
      // a banned article dealt to new readers until the next sync.
      if (!(await this.snapshot.catchUp())) return false;
      const generation = this.snapshot.generation;
      if (generation === this.publishedGeneration) return false;
      const transaction = this.cache.multi();
      for (const channelId of this.snapshot.channelIds()) {
        for (const algorithm of Object.values(AlgorithmCombine)) {
          const key = CacheKeys.feedColdStart(channelId, algorithm);
          const idsKey = CacheKeys.feedColdStartIds(channelId, algorithm);
          const ids = this.feed.coldStartRun(
            channelId,
            algorithm,
            this.config.RECO_COLD_START_BATCHES * DEFAULT_ARTICLE_NUM,
          );
          transaction.del(key, idsKey);
          if (ids.length === 0) continue;
          transaction
            .rpush(key, ...batchesOf(ids))
            .expire(key, COLD_START_TTL_SECONDS)
            .set(idsKey, ids.join(','), 'EX', COLD_START_TTL_SECONDS);
        }
        // Ranking a full pool takes milliseconds: requests get their turn between channels.
        await nextTurn();
      }
      // A change that landed while this ranked is published by the next round (the queued
      // transaction is sent only by exec).
      if (!(await this.snapshot.isCurrent())) return false;
      await execReplies(transaction);
      this.publishedGeneration = generation;
      return true;
    } catch (error) {
      this.logger.warn(`cold-start runs not published: ${errorMessage(error)}`);
      return false;
    } finally {
      this.publishing = false;
    }
  }
}

/** The run as batch JSONs of the reference's batch size. */
function batchesOf(ids: readonly string[]): string[] {
  const batches: string[] = [];
  for (let start = 0; start < ids.length; start += DEFAULT_ARTICLE_NUM)
    batches.push(JSON.stringify({ ids: ids.slice(start, start + DEFAULT_ARTICLE_NUM) }));
  return batches;
}
