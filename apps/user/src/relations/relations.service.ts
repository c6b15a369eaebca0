import { CounterKeys, type CounterMove, CounterStore, countOrUndo, SingleFlight } from '@app/cache';
import type { relationV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { FollowingNotifier } from './following.notifier';
import { RelationErrors } from './relation.errors';
import { RelationType } from './relation.entity';
import { RelationsCache } from './relations.cache';
import { type FollowListKind, type RelatedUser, RelationsRepository } from './relations.repository';

/** The app's page-size range (reference 1.1): `per_page` 10–50, default 10. */
export const FOLLOW_PER_PAGE = { min: 10, max: 50 } as const;

/** How a relation change moves both follow counters (the follower's followings, the target's followers). */
export function followCounterDelta(previous: RelationType, next: RelationType): -1 | 0 | 1 {
  const before = previous === RelationType.Follow ? 1 : 0;
  const after = next === RelationType.Follow ? 1 : 0;
  return (after - before) as -1 | 0 | 1;
}

/** Page and per_page as sent (0 = omitted), checked against the app's range. */
export function normalizePage(page: number, perPage: number): { page: number; perPage: number } {
  if (!Number.isInteger(page) || page < 0) throw RelationErrors.invalidPage();
  if (
    !Number.isInteger(perPage) ||
    (perPage !== 0 && (perPage < FOLLOW_PER_PAGE.min || perPage > FOLLOW_PER_PAGE.max))
  ) {
    throw RelationErrors.invalidPerPage();
  }
  return { page: page || 1, perPage: perPage || FOLLOW_PER_PAGE.min };
}

/**
 * Most relations of one user kept in `user:{uid}:relationship`; a user with more is answered one
 * pair at a time from MySQL.
 */
export const MAX_CACHED_RELATIONS = 10_000;

/**
 * Most users of one blacklist that GetBlacklist answers (and the news service caches); past it the
 * answer is `truncated`, and a user not in it is checked with GetRelation.
 */
export const MAX_LISTED_BLACKLIST = 1_000;

/** Fills of a follow list before a page comes straight from MySQL (see `pageOf`). */
const FILL_ATTEMPTS = 3;

const COUNTER_OF_LIST = {
  following: CounterKeys.userFollowings,
  fans: CounterKeys.userFollowers,
} as const satisfies Record<FollowListKind, string>;

/**
 * Follows and blacklists. MySQL is written first (one transaction per change), then the counters
 * and caches, and only when the stored relation really changed, so repeated or concurrent
 * requests never count twice. When the counters cannot move or the caches cannot be dropped (a
 * Redis down), the relation is put back and the request fails: it changed nothing.
 */
@Injectable()
export class RelationsService {
  private readonly logger = new Logger(RelationsService.name);
  /** Follow lists being read from MySQL into the cache, by kind and user. */
  private readonly loadingLists = new SingleFlight<number>();
  /** Users found to have more than MAX_CACHED_RELATIONS, so the next request skips the read. */
  private readonly manyRelations = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(
    private readonly relations: RelationsRepository,
    private readonly cache: RelationsCache,
    private readonly counters: CounterStore,
    private readonly notifier: FollowingNotifier,
  ) {}

  async follow(userId: string, targetUserId: string): Promise<void> {
    if (userId === targetUserId) throw RelationErrors.cannotFollowSelf();
    const follower = await this.requireTarget(userId, targetUserId);
    const previous = await this.relations.upsert(userId, targetUserId, RelationType.Follow);
    const changed = await this.afterChange(userId, targetUserId, previous, RelationType.Follow);
    if (changed && follower && (await this.mayBeToldOf(targetUserId, userId)))
      await this.notifier.notify(follower, targetUserId);
  }

  /**
   * Whether `userId` may be told of a follow by `followerId`: not when they blacklisted them (the
   * follow is made, as the reference refused none, but a follow and unfollow over and over would
   * ping them), nor when that cannot be read: the follow is stored and counted by then, and a lost
   * notification must not fail it.
   */
  private async mayBeToldOf(userId: string, followerId: string): Promise<boolean> {
    try {
      return (await this.relations.relationOf(userId, followerId)) !== RelationType.Blacklist;
    } catch (error) {
      this.logger.warn(
        `following notify to ${userId} left out, blacklist unread: ${String(error)}`,
      );
      return false;
    }
  }

  async unfollow(userId: string, targetUserId: string): Promise<void> {
    this.requireIds(userId, targetUserId);
    if (
      await this.relations.transition(
        userId,
        targetUserId,
        RelationType.Follow,
        RelationType.Cancelled,
      )
    ) {
      await this.afterChange(userId, targetUserId, RelationType.Follow, RelationType.Cancelled);
    }
  }

  async blacklist(userId: string, targetUserId: string): Promise<void> {
    if (userId === targetUserId) throw RelationErrors.cannotBlacklistSelf();
    await this.requireTarget(userId, targetUserId);
    const previous = await this.relations.upsert(userId, targetUserId, RelationType.Blacklist);
    await this.afterChange(userId, targetUserId, previous, RelationType.Blacklist);
  }

  async unblacklist(userId: string, targetUserId: string): Promise<void> {
    this.requireIds(userId, targetUserId);
    if (
      await this.relations.transition(
        userId,
        targetUserId,
        RelationType.Blacklist,
        RelationType.Cancelled,
      )
    ) {
      await this.afterChange(userId, targetUserId, RelationType.Blacklist, RelationType.Cancelled);
    }
  }

  /** Users `userId` follows, newest first; `mutual_follow` when they follow back. */
  listFollowings(userId: string, page: number, perPage: number): Promise<relationV1.FollowPage> {
    return this.listPage('following', 'fans', userId, page, perPage);
  }

  /** Users following `userId`, newest first; `mutual_follow` when `userId` follows them too. */
  listFollowers(userId: string, page: number, perPage: number): Promise<relationV1.FollowPage> {
    return this.listPage('fans', 'following', userId, page, perPage);
  }

  async getRelation(userId: string, targetUserId: string): Promise<relationV1.GetRelationResponse> {
    if (!SNOWFLAKE_ID.test(userId) || !SNOWFLAKE_ID.test(targetUserId) || userId === targetUserId) {
      return { isFollowing: false, isBlacklist: false };
    }
    let relation = await this.cache.relation(userId, targetUserId);
    if (relation === null) {
      const many = this.manyRelations.has(userId);
      // Claimed before MySQL is read: a relation change meanwhile takes it back.
      const lease = many ? undefined : await this.cache.leaseRelations(userId);
      const all = many ? undefined : await this.relations.relationsOf(userId, MAX_CACHED_RELATIONS);
      if (!all || all.length > MAX_CACHED_RELATIONS) {
        // Too many to read and hold at once (say, an account that follows a million others).
        this.manyRelations.set(userId, true);
        relation = await this.relations.relationOf(userId, targetUserId);
      } else {
        if (lease) await this.cache.fillRelations(userId, lease, all);
        relation =
          all.find((row) => row.targetUserId === targetUserId)?.relation ?? RelationType.Cancelled;
      }
    }
    return {
      isFollowing: relation === RelationType.Follow,
      isBlacklist: relation === RelationType.Blacklist,
    };
  }

  /** Users `userId` blacklisted, at most MAX_LISTED_BLACKLIST, `truncated` when there are more. */
  async getBlacklist(userId: string): Promise<relationV1.GetBlacklistResponse> {
    if (!SNOWFLAKE_ID.test(userId)) return { userIds: [], truncated: false };
    const userIds = await this.relations.blacklistOf(userId, MAX_LISTED_BLACKLIST);
    return {
      userIds: userIds.slice(0, MAX_LISTED_BLACKLIST),
      truncated: userIds.length > MAX_LISTED_BLACKLIST,
    };
  }

  /**
   * Counters and caches after a stored change; false (and nothing done) when nothing changed.
   * Caches that cannot be dropped (the cache Redis down) take the counters and the relation back
   * too, so the request that fails changed nothing: the follow was stored and counted, answered
   * 503, and notified to no one. A change taken back drops the caches again, as far as it can.
   */
  private async afterChange(
    userId: string,
    targetUserId: string,
    previous: RelationType,
    next: RelationType,
  ): Promise<boolean> {
    if (previous === next) return false;
    const delta = followCounterDelta(previous, next);
    const dropCaches = () =>
      this.cache.invalidate(userId, targetUserId, {
        blacklist: previous === RelationType.Blacklist || next === RelationType.Blacklist,
      });
    const moves = (by: number): CounterMove[] =>
      by === 0
        ? []
        : [
            [CounterKeys.userFollowings, userId, by],
            [CounterKeys.userFollowers, targetUserId, by],
          ];
    await countOrUndo(
      async () => {
        await this.counters.move(moves(delta));
        try {
          await dropCaches();
        } catch (error) {
          await this.counters
            .move(moves(-delta))
            .catch((undoError: unknown) =>
              this.logger.error(`counters of a relation taken back were not: ${String(undoError)}`),
            );
          throw error;
        }
      },
      async () => {
        await this.relations.transition(userId, targetUserId, next, previous);
        // A read between the change and its undo may have cached the change (the relations, the
        // blacklist the news service keeps, 30 and 5 minutes): dropped again.
        await dropCaches().catch((error: unknown) =>
          this.logger.warn(`caches of a relation taken back were not dropped: ${String(error)}`),
        );
      },
      this.logger,
    );
    return true;
  }

  private requireIds(userId: string, targetUserId: string): void {
    if (!SNOWFLAKE_ID.test(userId) || !SNOWFLAKE_ID.test(targetUserId))
      throw RelationErrors.invalidTargetUser();
  }

  /** The target must exist; returns the acting user's card, if stored, for the notification. */
  private async requireTarget(
    userId: string,
    targetUserId: string,
  ): Promise<RelatedUser | undefined> {
    if (!SNOWFLAKE_ID.test(userId) || !SNOWFLAKE_ID.test(targetUserId))
      throw RelationErrors.invalidTargetUserId();
    const users = await this.relations.findUsers([userId, targetUserId]);
    if (!users.some((user) => user.id === targetUserId)) throw RelationErrors.invalidTargetUserId();
    return users.find((user) => user.id === userId);
  }

  private async listPage(
    kind: FollowListKind,
    mutualKind: FollowListKind,
    userId: string,
    rawPage: number,
    rawPerPage: number,
  ): Promise<relationV1.FollowPage> {
    const { page, perPage } = normalizePage(rawPage, rawPerPage);
    if (!SNOWFLAKE_ID.test(userId)) return { totalCount: '0', page, perPage, results: [] };
    const offset = (page - 1) * perPage;
    const { total, ids } = await this.pageOf(kind, userId, offset, perPage);
    const [users, fansCounts, mutual] = await Promise.all([
      this.relations.findUsers(ids),
      Promise.all(ids.map((id) => this.counters.get(CounterKeys.userFollowers, id))),
      this.listContains(mutualKind, userId, ids),
    ]);
    const byId = new Map(users.map((user) => [user.id, user]));
    const results = ids.flatMap((id, index) => {
      const user = byId.get(id);
      if (!user) return [];
      return [
        {
          id,
          name: user.name,
          photo: user.photo ?? '',
          fansCount: String(fansCounts[index]),
          mutualFollow: mutual[index],
        },
      ];
    });
    return { totalCount: String(total), page, perPage, results };
  }

  /**
   * A page of a follow list from the cache, filled from MySQL first when it is not cached. A
   * follow that lands between the fill and the read drops the list again; after FILL_ATTEMPTS
   * fills the page comes straight from MySQL.
   */
  private async pageOf(
    kind: FollowListKind,
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ total: number; ids: string[] }> {
    for (let attempt = 0; attempt < FILL_ATTEMPTS; attempt++) {
      const cached = await this.cache.listPage(kind, userId, offset, limit);
      if (cached) return cached;
      const total = await this.loadList(kind, userId);
      if (total === 0) return { total: 0, ids: [] };
    }
    const [total, ids] = await Promise.all([
      this.counters.get(COUNTER_OF_LIST[kind], userId),
      this.relations.followPage(kind, userId, offset, limit),
    ]);
    return { total, ids };
  }

  /**
   * Reads a follow list from MySQL into the cache, a chunk at a time, and answers its length; a
   * zero counter means an empty list without asking MySQL. Concurrent misses of one list in this
   * process share one read: every new follower drops the target's list of fans, and a popular
   * author's list is read by many at once.
   */
  private loadList(kind: FollowListKind, userId: string): Promise<number> {
    return this.loadingLists.run(`${kind}:${userId}`, async () => {
      if ((await this.counters.get(COUNTER_OF_LIST[kind], userId)) <= 0) return 0;
      return this.cache.replaceList(kind, userId, this.relations.followEdges(kind, userId));
    });
  }

  private async listContains(
    kind: FollowListKind,
    userId: string,
    ids: readonly string[],
  ): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const cached = await this.cache.listContains(kind, userId, ids);
    if (cached) return cached;
    const listed = await this.relations.listedAmong(kind, userId, ids);
    return ids.map((id) => listed.has(id));
  }
}
