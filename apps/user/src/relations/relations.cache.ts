import { randomUUID } from 'node:crypto';

import {
  CacheKeys,
  CacheTtl,
  dropSortedSets,
  REDIS_CACHE,
  RedisScript,
  type ScoredMembers,
  swapInSortedSet,
  ttlWithJitter,
  TwoLevelCache,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { FollowEdge, FollowListKind } from './relations.repository';
import { RelationType } from './relation.entity';

/** Follow edges as their list's zset holds them: scored by the time of the follow. */
async function* scored(
  chunks: AsyncIterable<readonly FollowEdge[]>,
): AsyncGenerator<ScoredMembers> {
  for await (const edges of chunks)
    yield edges.map((edge) => [edge.followedAt, edge.userId] as const);
}

/** The reference's null marker for a user with no relations. */
const EMPTY_MARKER = '-1';

const listKey = (kind: FollowListKind, userId: string): string =>
  kind === 'following' ? CacheKeys.userFollowings(userId) : CacheKeys.userFans(userId);

/** Who may fill a user's missing relation hash: claimed before MySQL is read, deleted by changes. */
const fillLeaseKey = (userId: string): string => `${CacheKeys.userRelationship(userId)}:fill`;
/** How long a reader may take between claiming the hash and filling it. */
const FILL_LEASE_MS = 10_000;

// Fills the hash (KEYS[1]) only while KEYS[2] still holds this reader's lease: a relation change
// deletes both, so relations read from MySQL before it never land in the cache after it.
// ARGV: lease, TTL seconds, then field/value pairs.
const FILL_IF_LEASED = new RedisScript<
  number,
  [relations: string, lease: string],
  [lease: string, ttlSeconds: number, ...pairs: string[]]
>(`if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`);

/**
 * The relation caches of the reference: `user:{uid}:following` / `:fans` (zset uid -> follow
 * time) and `user:{uid}:relationship` (hash target -> 1/2, `{-1:-1}` when empty). Loading is the
 * caller's job; this class only reads, fills (the lists with the guarded swap, the hash under a
 * fill lease) and deletes.
 */
@Injectable()
export class RelationsCache {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    private readonly shared: TwoLevelCache,
  ) {}

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
   * Replaces a follow list with the edges read chunk by chunk, swapped in whole
   * (`swapInSortedSet`, guarded: a list dropped by a relation change while it was read is not
   * cached). Resolves with how many edges were read (0: nothing is stored).
   */
  replaceList(
    kind: FollowListKind,
    userId: string,
    chunks: AsyncIterable<readonly FollowEdge[]>,
  ): Promise<number> {
    return swapInSortedSet(
      this.redis,
      listKey(kind, userId),
      scored(chunks),
      ttlWithJitter(CacheTtl.userFollows),
      { guarded: true },
    );
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

  /** Claims the right to fill the user's missing relation hash; undefined while another holds it. */
  async leaseRelations(userId: string): Promise<string | undefined> {
    const lease = randomUUID();
    const claimed = await this.redis.set(fillLeaseKey(userId), lease, 'PX', FILL_LEASE_MS, 'NX');
    return claimed === 'OK' ? lease : undefined;
  }

  /**
   * Caches the relations read under `lease`; false (nothing stored) when a relation changed
   * since the lease was claimed.
   */
  async fillRelations(
    userId: string,
    lease: string,
    relations: ReadonlyArray<{ targetUserId: string; relation: RelationType }>,
  ): Promise<boolean> {
    const pairs =
      relations.length > 0
        ? relations.flatMap((row) => [row.targetUserId, String(row.relation)])
        : [EMPTY_MARKER, EMPTY_MARKER];
    const ttl = ttlWithJitter(
      relations.length > 0 ? CacheTtl.userRelationship : CacheTtl.userRelationshipEmpty,
    );
    const key = CacheKeys.userRelationship(userId);
    const filled = await FILL_IF_LEASED.run(
      this.redis,
      [key, fillLeaseKey(userId)],
      [lease, ttl, ...pairs],
    );
    return filled === 1;
  }

  /**
   * Drops what a relation change of `userId` towards `targetUserId` makes stale, so that no read
   * of MySQL already under way caches it as it was: the relation hash with its fill lease, the
   * follow lists with their fences bumped, and for a change to or from Blacklist the blacklist
   * the news service caches (`user:{uid}:blacklist`), behind its fill fence and in every
   * replica's L1.
   */
  async invalidate(
    userId: string,
    targetUserId: string,
    { blacklist }: { blacklist: boolean },
  ): Promise<void> {
    await Promise.all([
      this.redis.del(CacheKeys.userRelationship(userId), fillLeaseKey(userId)),
      dropSortedSets(this.redis, [listKey('following', userId), listKey('fans', targetUserId)]),
      blacklist ? this.shared.invalidate(CacheKeys.userBlacklist(userId)) : undefined,
    ]);
  }
}
