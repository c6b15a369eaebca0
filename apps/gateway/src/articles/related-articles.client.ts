import { APP_CONFIG } from '@app/config';
import type { userReco } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import { Client, credentials, type MethodDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import type { GatewayConfig } from '../config/gateway.config';

/** The reference asks for 10 similar articles. */
const ARTICLE_NUM = 10;
/** Related articles are decoration: a slow recommend service must not slow the detail page. */
export const RELATED_DEADLINE_MS = 200;
const MAX_RECONNECT_BACKOFF_MS = 5_000;
/** Related articles change slowly and are the same for every reader: hot pages reuse the answer. */
const RELATED_CACHE_TTL_MS = 60_000;

/** The answer to a failed call: no related articles (one shared instance, so it can be told apart). */
const FAILED: string[] = [];

/**
 * `UserRecommend.article_recommend` of the original `user_reco.proto` (no package, so a plain
 * grpc-js client rather than Nest's). Any failure answers no ids, as the reference ignores errors.
 */
@Injectable()
export class RelatedArticlesClient implements OnApplicationShutdown {
  private readonly client: Client;
  private readonly method: MethodDefinition<userReco.Article, userReco.Similar>;
  private readonly answers = new LRUCache<string, Promise<string[]>>({
    max: 10_000,
    ttl: RELATED_CACHE_TTL_MS,
  });

  constructor(@Inject(APP_CONFIG) config: Pick<GatewayConfig, 'RECOMMEND_GRPC_URL'>) {
    const definition = loadSync(protoFile('user_reco.proto'), GRPC_LOADER_OPTIONS);
    const service = definition.UserRecommend as Record<
      string,
      MethodDefinition<userReco.Article, userReco.Similar>
    >;
    this.method = service.article_recommend;
    // Calls fail fast while the channel is reconnecting, so a short backoff ceiling brings related
    // articles back soon after the recommend service does.
    this.client = new Client(config.RECOMMEND_GRPC_URL, credentials.createInsecure(), {
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
    });
  }

  /**
   * Ids of articles similar to `articleId`; empty on any error or after the deadline. Answers are
   * shared per article for a minute (failures are not kept, so the next request asks again).
   */
  similar(articleId: string): Promise<string[]> {
    const cached = this.answers.get(articleId);
    if (cached) return cached;
    const answer = this.ask(articleId);
    this.answers.set(articleId, answer);
    void answer.then((ids) => {
      if (ids === FAILED) this.answers.delete(articleId);
    });
    return answer;
  }

  private ask(articleId: string): Promise<string[]> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        this.method.responseDeserialize,
        { articleId, articleNum: ARTICLE_NUM },
        { deadline: Date.now() + RELATED_DEADLINE_MS },
        (error, response) => resolve(error || !response ? FAILED : response.articleId.map(String)),
      );
    });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
