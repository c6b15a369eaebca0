import { randomUUID } from 'node:crypto';

import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { FollowEdge, FollowListKind } from './relations.repository';
import { RelationType } from './relation.entity';

/** How long a list being filled may take before its scratch key expires (a fill that died). */
const FILL_SCRATCH_TTL_SECONDS = 600;

/** The reference's null marker for a user with no relations. */
const EMPTY_MARKER = '-1';

const listKey = (kind: FollowListKind, userId: string): string =>
  kind === 'following' ? CacheKeys.userFollowings(userId) : CacheKeys.userFans(userId);

/**
 * The relation caches of the reference: `user:{uid}:following` / `:fans` (zset uid -> follow
 * time) and `user:{uid}:relationship` (hash target -> 1/2, `{-1:-1}` when empty). Loading is the
 * caller's job; this class only reads, fills and deletes.
 */
@Injectable()
export class RelationsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** One page of a cached follow list, newest first, or null when the list is not cached. */
  async listPage(
    kind: FollowListKind,
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ total: number; ids: string[] } | null> {
    const key = listKey(kind, userId);
    const [total, ids] = await Promise.all([
      this.redis.zcard(key),
      this.redis.zrevrange(key, offset, offset + limit - 1),
    ]);
    return total > 0 ? { total, ids } : null;
  }

  /** For each id, whether it is in the cached list; null when the list is not cached. */
  async listContains(
    kind: FollowListKind,
    userId: string,
    ids: readonly string[],
  ): Promise<boolean[] | null> {
    const key = listKey(kind, userId);
    if (ids.length === 0) return (await this.redis.exists(key)) ? [] : null;
    const [exists, scores] = await Promise.all([
      this.redis.exists(key),
      this.redis.zmscore(key, ...ids),
    ]);
    return exists ? scores.map((score) => score !== null) : null;
  }

  /**
   * Replaces a follow list with the edges read chunk by chunk. They go to a scratch key that is
   * renamed over the list at the end, so a reader sees the old list, none, or the whole new one.
   * Resolves with how many edges the list holds (0: nothing is stored).
   */
  async replaceList(
    kind: FollowListKind,
    userId: string,
    chunks: AsyncIterable<readonly FollowEdge[]>,
  ): Promise<number> {
    const key = listKey(kind, userId);
    const scratch = `${key}:filling:${randomUUID()}`;
    let count = 0;
    try {
      for await (const edges of chunks) {
        if (edges.length === 0) continue;
        const members = edges.flatMap((edge) => [edge.followedAt, edge.userId]);
        await this.redis
          .multi()
          .zadd(scratch, ...members)
          .expire(scratch, FILL_SCRATCH_TTL_SECONDS)
          .exec();
        count += edges.length;
      }
      if (count > 0) {
        await this.redis
          .multi()
          .rename(scratch, key)
          .expire(key, ttlWithJitter(CacheTtl.userFollows))
          .exec();
      }
      return count;
    } catch (error) {
      await this.redis.del(scratch).catch(() => undefined);
      throw error;
    }
  }

  /** The cached relation of `userId` to `targetUserId`, or null when the hash is not cached. */
  async relation(userId: string, targetUserId: string): Promise<RelationType | null> {
    const key = CacheKeys.userRelationship(userId);
    const [exists, value] = await Promise.all([
      this.redis.exists(key),
      this.redis.hget(key, targetUserId),
    ]);
    if (!exists) return null;
    return value === null ? RelationType.Cancelled : Number(value);
  }

  async fillRelations(
    userId: string,
    relations: ReadonlyArray<{ targetUserId: string; relation: RelationType }>,
  ): Promise<void> {
    const key = CacheKeys.userRelationship(userId);
    const fields: Record<string, string> =
      relations.length > 0
        ? Object.fromEntries(relations.map((row) => [row.targetUserId, String(row.relation)]))
        : { [EMPTY_MARKER]: EMPTY_MARKER };
    const ttl = ttlWithJitter(
      relations.length > 0 ? CacheTtl.userRelationship : CacheTtl.userRelationshipEmpty,
    );
    await this.redis.multi().del(key).hset(key, fields).expire(key, ttl).exec();
  }

  /** Drops what a relation change of `userId` towards `targetUserId` makes stale. */
  async invalidate(userId: string, targetUserId: string): Promise<void> {
    // One DEL per key: the keys may live on different cluster slots.
    const keys = [
      CacheKeys.userRelationship(userId),
      CacheKeys.userFollowings(userId),
      CacheKeys.userFans(targetUserId),
    ];
    await Promise.all(keys.map((key) => this.redis.del(key)));
  }
}
