import { CacheKeys, REDIS_CACHE } from '@app/cache';
import type { reactionV1, relationV1 } from '@app/contracts';
import { InjectGrpcClient, REACTION_GRPC, RELATION_GRPC, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** How the signed-in reader relates to an article and its author (article detail). */
export interface ViewerState {
  isFollowed: boolean;
  /** -1 none, 0 dislike, 1 like. */
  attitude: number;
  isCollected: boolean;
}

const FOLLOW = '1';
const NO_ATTITUDE = -1;

/**
 * Reads the owners' caches in one pipeline: the user service's `user:{uid}:relationship` hash and
 * the news service's `user:{uid}:art:attitude` hash and `user:{uid}:art:collection` zset (each a
 * whole copy of the user's rows, with a `-1` marker when empty). Only what is not cached goes to
 * RelationService.GetRelation / ReactionService.GetViewerState, which fill those caches.
 */
@Injectable()
export class ViewerStateReader {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
  ) {}

  async read(userId: string, articleId: string, authorId: string): Promise<ViewerState> {
    const relationship = CacheKeys.userRelationship(userId);
    const attitudes = CacheKeys.userAttitudes(userId);
    const collections = CacheKeys.userCollections(userId);
    const replies = await this.redis
      .pipeline()
      .exists(relationship)
      .hget(relationship, authorId)
      .exists(attitudes)
      .hget(attitudes, articleId)
      .exists(collections)
      .zscore(collections, articleId)
      .exec();
    // A reply of another type (a structure the owner no longer writes this way) counts as a miss.
    const [hasRelations, relation, hasAttitudes, attitude, hasCollections, collectedAt] = (
      replies ?? []
    ).map(([error, value]) => (error ? undefined : value)) as [
      number?,
      (string | null)?,
      number?,
      (string | null)?,
      number?,
      (string | null)?,
    ];

    const own = userId === authorId;
    const [isFollowed, reactions] = await Promise.all([
      own
        ? false
        : hasRelations === 1 && relation !== undefined
          ? relation === FOLLOW
          : this.loadFollowing(userId, authorId),
      hasAttitudes === 1 &&
      attitude !== undefined &&
      hasCollections === 1 &&
      collectedAt !== undefined
        ? {
            attitude: attitude === null ? NO_ATTITUDE : Number(attitude),
            isCollected: collectedAt !== null,
          }
        : unary(this.reactions.getViewerState({ userId, articleId })),
    ]);
    return { isFollowed, attitude: reactions.attitude, isCollected: reactions.isCollected };
  }

  private async loadFollowing(userId: string, authorId: string): Promise<boolean> {
    const { isFollowing } = await unary(
      this.relations.getRelation({ userId, targetUserId: authorId }),
    );
    return isFollowing;
  }
}
