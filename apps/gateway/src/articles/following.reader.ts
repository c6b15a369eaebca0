import { CacheKeys, REDIS_CACHE } from '@app/cache';
import type { relationV1 } from '@app/contracts';
import { InjectGrpcClient, RELATION_GRPC, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

const FOLLOW = '1';

/**
 * Whether a user follows another: the user service's `user:{uid}:relationship` hash (a whole copy
 * of the user's relations), else RelationService.GetRelation, which fills that cache.
 */
@Injectable()
export class FollowingReader {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
  ) {}

  async isFollowing(userId: string, targetUserId: string): Promise<boolean> {
    const relationship = CacheKeys.userRelationship(userId);
    // A failed reply (a structure the owner no longer writes this way, say) counts as a miss.
    const [exists, relation] = await Promise.all([
      this.redis.exists(relationship).catch(() => undefined),
      this.redis.hget(relationship, targetUserId).catch(() => undefined),
    ]);
    if (exists === 1 && relation !== undefined) return relation === FOLLOW;
    const { isFollowing } = await unary(this.relations.getRelation({ userId, targetUserId }));
    return isFollowing;
  }
}
