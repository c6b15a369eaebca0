import { CacheKeys, REDIS_CACHE } from '@app/cache';
import type { reactionV1 } from '@app/contracts';
import { InjectGrpcClient, REACTION_GRPC, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ArticleCard, LikedArticleCard } from './article-card';

const LIKE = '1';

/**
 * `is_liking` of the signed-in user's lists: the news service's `user:{uid}:art:attitude` hash
 * when cached (one pipeline), else ReactionService.ListLikedArticles (which fills it).
 */
@Injectable()
export class ArticleLikingsReader {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
  ) {}

  /** The ids among `articleIds` that the user likes. */
  async likedAmong(userId: string, articleIds: readonly string[]): Promise<Set<string>> {
    if (articleIds.length === 0) return new Set();
    const key = CacheKeys.userAttitudes(userId);
    const replies =
      (await this.redis
        .pipeline()
        .exists(key)
        .hmget(key, ...articleIds)
        .exec()) ?? [];
    const [[existsError, exists], [valuesError, values]] = replies;
    if (!existsError && !valuesError && exists === 1) {
      return new Set(
        articleIds.filter((_, index) => (values as (string | null)[])[index] === LIKE),
      );
    }
    const liked = await unary(
      this.reactions.listLikedArticles({ userId, articleIds: [...articleIds] }),
    );
    return new Set(liked.articleIds);
  }

  /** The cards with `is_liking` for the user. */
  async mark(userId: string, cards: readonly ArticleCard[]): Promise<LikedArticleCard[]> {
    const liked = await this.likedAmong(
      userId,
      cards.map((card) => card.art_id),
    );
    return cards.map((card) => ({ ...card, is_liking: liked.has(card.art_id) }));
  }
}
