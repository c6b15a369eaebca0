import { CacheKeys, REDIS_CACHE } from '@app/cache';
import { errorMessage } from '@app/config';
import type { reactionV1 } from '@app/contracts';
import { InjectGrpcClient, REACTION_GRPC, unary } from '@app/grpc';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { FollowingReader } from './following.reader';

/** How the signed-in reader relates to an article and its author (article detail). */
export interface ViewerState {
  isFollowed: boolean;
  /** -1 none, 0 dislike, 1 like. */
  attitude: number;
  isCollected: boolean;
}

const NO_ATTITUDE = -1;

/**
 * Reads the news service's `user:{uid}:art:attitude` hash and `user:{uid}:art:collection` zset
 * (each a whole copy of the user's rows, with a `-1` marker when empty) in one pipeline, beside
 * the follow check of FollowingReader. Only what is not cached goes to
 * ReactionService.GetViewerState, which fills those caches.
 */
@Injectable()
export class ViewerStateReader {
  private readonly logger = new Logger(ViewerStateReader.name);

  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    private readonly following: FollowingReader,
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
  ) {}

  async read(userId: string, articleId: string, authorId: string): Promise<ViewerState> {
    const [isFollowed, reactions] = await Promise.all([
      userId === authorId ? false : this.isFollowing(userId, authorId),
      this.reactionsOf(userId, articleId),
    ]);
    return { isFollowed, ...reactions };
  }

  /**
   * False when the follow cannot be looked up (the user service down or late, the relationship
   * not cached): the page is shown all the same, as it is with its author unnamed.
   */
  private async isFollowing(userId: string, authorId: string): Promise<boolean> {
    try {
      return await this.following.isFollowing(userId, authorId);
    } catch (error) {
      this.logger.warn(
        `article page of ${userId} shown without their follow of ${authorId}: ${errorMessage(error)}`,
      );
      return false;
    }
  }

  /**
   * None when news cannot tell (down or late) and no cache holds them: the page of a cached article
   * is shown all the same, as without the follow.
   */
  private async reactionsOf(
    userId: string,
    articleId: string,
  ): Promise<Pick<ViewerState, 'attitude' | 'isCollected'>> {
    const attitudes = CacheKeys.userAttitudes(userId);
    const collections = CacheKeys.userCollections(userId);
    const replies = await this.redis
      .pipeline()
      .exists(attitudes)
      .hget(attitudes, articleId)
      .exists(collections)
      .zscore(collections, articleId)
      .exec();
    // A reply of another type (a structure the owner no longer writes this way) counts as a miss.
    const [hasAttitudes, attitude, hasCollections, collectedAt] = (replies ?? []).map(
      ([error, value]) => (error ? undefined : value),
    ) as [number?, (string | null)?, number?, (string | null)?];
    if (
      hasAttitudes === 1 &&
      attitude !== undefined &&
      hasCollections === 1 &&
      collectedAt !== undefined
    )
      return {
        attitude: attitude === null ? NO_ATTITUDE : Number(attitude),
        isCollected: collectedAt !== null,
      };
    try {
      const { attitude: loaded, isCollected } = await unary(
        this.reactions.getViewerState({ userId, articleId }),
      );
      return { attitude: loaded, isCollected };
    } catch (error) {
      this.logger.warn(
        `article page of ${userId} shown without their like and collection of ${articleId}: ${errorMessage(error)}`,
      );
      return { attitude: NO_ATTITUDE, isCollected: false };
    }
  }
}
