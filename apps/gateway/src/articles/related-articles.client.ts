import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import type { userReco } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import { type MethodDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

import { RecommendChannel } from '../recommend/recommend.channel';

/** The reference asks for 10 similar articles. */
const ARTICLE_NUM = 10;
/** Related articles are decoration: a slow recommend service must not slow the detail page. */
export const RELATED_DEADLINE_MS = 200;
/** Related articles change slowly and are the same for every reader: hot pages reuse the answer. */
const RELATED_CACHE_TTL_MS = 60_000;
/** An empty list stored in Redis (an empty string would read as "not cached"). */
const NO_RELATED = '-';

/** The answer to a failed call: no related articles (one shared instance, so it can be told apart). */
const FAILED: string[] = [];

/**
 * `UserRecommend.article_recommend` of the original `user_reco.proto` on the gateway's recommend
 * channel. Any failure answers no ids, as the reference ignores errors.
 */
@Injectable()
export class RelatedArticlesClient {
  private readonly method: MethodDefinition<userReco.Article, userReco.Similar>;
  private readonly answers = new LRUCache<string, Promise<string[]>>({
    max: 10_000,
    ttl: RELATED_CACHE_TTL_MS,
  });

  constructor(
    private readonly channel: RecommendChannel,
    @Inject(REDIS_CACHE) private readonly redis: Redis,
  ) {
    const definition = loadSync(protoFile('user_reco.proto'), GRPC_LOADER_OPTIONS);
    const service = definition.UserRecommend as Record<
      string,
      MethodDefinition<userReco.Article, userReco.Similar>
    >;
    this.method = service.article_recommend;
  }

  /**
   * Ids of articles similar to `articleId`; empty on any error or after the deadline. Answers are
   * kept in process for a minute and on the cache Redis for ten (shared by every gateway);
   * failures are not kept, so the next request asks again.
   */
  similar(articleId: string): Promise<string[]> {
    const cached = this.answers.get(articleId);
    if (cached) return cached;
    const answer = this.lookup(articleId);
    this.answers.set(articleId, answer);
    void answer.then((ids) => {
      if (ids === FAILED) this.answers.delete(articleId);
    });
    return answer;
  }

  /** Whether this process holds an answer for `articleId` (a failed one is not held). */
  holds(articleId: string): boolean {
    return this.answers.has(articleId);
  }

  private async lookup(articleId: string): Promise<string[]> {
    const key = CacheKeys.articleRelated(articleId);
    // The cache role may be down: then only the recommend service answers.
    const stored = await this.redis.get(key).catch(() => null);
    if (stored !== null) return stored === NO_RELATED ? [] : stored.split(',');
    const ids = await this.ask(articleId);
    if (ids !== FAILED) {
      const value = ids.length > 0 ? ids.join(',') : NO_RELATED;
      void this.redis
        .set(key, value, 'EX', ttlWithJitter(CacheTtl.articleRelated))
        .catch(() => undefined);
    }
    return ids;
  }

  private ask(articleId: string): Promise<string[]> {
    return new Promise((resolve) => {
      this.channel.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        this.method.responseDeserialize,
        { articleId, articleNum: ARTICLE_NUM },
        { deadline: Date.now() + RELATED_DEADLINE_MS },
        (error, response) => resolve(error || !response ? FAILED : response.articleId.map(String)),
      );
    });
  }
}
