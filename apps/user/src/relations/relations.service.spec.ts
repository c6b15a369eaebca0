import { type CounterKey, CounterKeys, type CounterMove, type CounterStore } from '@app/cache';
import { AppError } from '@app/grpc';

import type { FollowingNotifier } from './following.notifier';
import { RelationType } from './relation.entity';
import type { RelationsCache } from './relations.cache';
import type {
  FollowEdge,
  FollowListKind,
  RelatedUser,
  RelationsRepository,
} from './relations.repository';
import {
  followCounterDelta,
  MAX_CACHED_RELATIONS,
  normalizePage,
  RelationsService,
} from './relations.service';

const ME = '1294287382374383616';
const TARGET = '1294287382374383617';
const OTHER = '1294287382374383618';
const UNKNOWN = '1294287382374383619';

/** The `user_relation` table and `user_basic` rows, in memory. */
class FakeRelations implements Pick<
  RelationsRepository,
  | 'upsert'
  | 'transition'
  | 'findUsers'
  | 'followEdges'
  | 'followPage'
  | 'listedAmong'
  | 'relationsOf'
  | 'relationOf'
> {
  readonly rows = new Map<string, RelationType>();
  readonly users: RelatedUser[] = [
    { id: ME, name: 'me', photo: 'me.png' },
    { id: TARGET, name: 'target', photo: null },
    { id: OTHER, name: 'other', photo: null },
  ];
  writes = 0;
  /** Pages read straight from MySQL. */
  pagesRead = 0;
  /** Relations read one pair at a time. */
  pairsRead = 0;
  /** Reads of a user's relations. */
  relationListsRead = 0;

  upsert(userId: string, targetUserId: string, relation: RelationType): Promise<RelationType> {
    const previous = this.rows.get(`${userId}>${targetUserId}`) ?? RelationType.Cancelled;
    this.rows.set(`${userId}>${targetUserId}`, relation);
    this.writes++;
    return Promise.resolve(previous);
  }

  transition(
    userId: string,
    targetUserId: string,
    from: RelationType,
    to: RelationType,
  ): Promise<boolean> {
    if (this.rows.get(`${userId}>${targetUserId}`) !== from) return Promise.resolve(false);
    this.rows.set(`${userId}>${targetUserId}`, to);
    this.writes++;
    return Promise.resolve(true);
  }

  findUsers(ids: readonly string[]): Promise<RelatedUser[]> {
    return Promise.resolve(this.users.filter((user) => ids.includes(user.id)));
  }

  async *followEdges(kind: FollowListKind, userId: string): AsyncGenerator<FollowEdge[]> {
    await Promise.resolve();
    yield this.list(kind, userId);
  }

  followPage(
    kind: FollowListKind,
    userId: string,
    offset: number,
    limit: number,
  ): Promise<string[]> {
    this.pagesRead++;
    return Promise.resolve(
      this.list(kind, userId)
        .slice(offset, offset + limit)
        .map((edge) => edge.userId),
    );
  }

  listedAmong(kind: FollowListKind, userId: string, ids: readonly string[]): Promise<Set<string>> {
    const listed = new Set(this.list(kind, userId).map((edge) => edge.userId));
    return Promise.resolve(new Set(ids.filter((id) => listed.has(id))));
  }

  relationOf(userId: string, targetUserId: string): Promise<RelationType> {
    this.pairsRead++;
    return Promise.resolve(this.rows.get(`${userId}>${targetUserId}`) ?? RelationType.Cancelled);
  }

  relationsOf(
    userId: string,
    limit: number,
  ): Promise<Array<{ targetUserId: string; relation: RelationType }>> {
    this.relationListsRead++;
    return Promise.resolve(
      [...this.rows]
        .filter(
          ([key, relation]) => key.startsWith(`${userId}>`) && relation !== RelationType.Cancelled,
        )
        .map(([key, relation]) => ({ targetUserId: key.split('>')[1], relation }))
        .slice(0, limit + 1),
    );
  }

  /** A follow list, newest follow first. */
  private list(kind: FollowListKind, userId: string): FollowEdge[] {
    const [owner, listed] = kind === 'following' ? [0, 1] : [1, 0];
    return [...this.rows]
      .filter(
        ([key, relation]) => relation === RelationType.Follow && key.split('>')[owner] === userId,
      )
      .map(([key], index) => ({
        userId: key.split('>')[listed],
        followedAt: 1_764_000_000 + index,
      }))
      .reverse();
  }
}

class FakeCounters implements Pick<CounterStore, 'move' | 'get'> {
  readonly values = new Map<string, number>();
  readonly calls: string[] = [];
  /** Set to fail every move, as a state Redis that is down does. */
  failure: Error | undefined;

  move(moves: readonly CounterMove[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    for (const [key, id, by] of moves) {
      this.calls.push(`${key} ${id} ${by}`);
      this.values.set(`${key} ${id}`, (this.values.get(`${key} ${id}`) ?? 0) + by);
    }
    return Promise.resolve();
  }

  get(key: CounterKey, id: string): Promise<number> {
    return Promise.resolve(this.values.get(`${key} ${id}`) ?? 0);
  }
}

/** A cache that never holds anything but records what was invalidated. */
class FakeCache implements Pick<
  RelationsCache,
  | 'listPage'
  | 'listContains'
  | 'replaceList'
  | 'relation'
  | 'leaseRelations'
  | 'fillRelations'
  | 'invalidate'
> {
  readonly invalidated: string[] = [];
  /** For each invalidation, whether it dropped the user's blacklist (`user:{uid}:blacklist`) too. */
  readonly blacklistDropped: Array<boolean | undefined> = [];
  /** Lists filled, each dropped again before it could be read (as a follow in between would). */
  fills = 0;
  listPage = () => Promise.resolve(null);
  listContains = () => Promise.resolve(null);
  async replaceList(
    _kind: FollowListKind,
    _userId: string,
    chunks: AsyncIterable<readonly FollowEdge[]>,
  ): Promise<number> {
    this.fills++;
    let count = 0;
    for await (const edges of chunks) count += edges.length;
    return count;
  }
  relation = () => Promise.resolve(null);
  leaseRelations = () => Promise.resolve<string | undefined>('lease');
  fillRelations = () => Promise.resolve(true);
  invalidate(
    userId: string,
    targetUserId: string,
    options?: { blacklist: boolean },
  ): Promise<void> {
    this.invalidated.push(`${userId}>${targetUserId}`);
    this.blacklistDropped.push(options?.blacklist);
    return Promise.resolve();
  }
}

class FakeNotifier implements Pick<FollowingNotifier, 'notify'> {
  readonly sent: Array<{ follower: string; target: string }> = [];
  notify(follower: RelatedUser, targetUserId: string): Promise<void> {
    this.sent.push({ follower: follower.id, target: targetUserId });
    return Promise.resolve();
  }
}

function newTestService() {
  const relations = new FakeRelations();
  const counters = new FakeCounters();
  const cache = new FakeCache();
  const notifier = new FakeNotifier();
  const service = new RelationsService(
    relations as unknown as RelationsRepository,
    cache as unknown as RelationsCache,
    counters as unknown as CounterStore,
    notifier as unknown as FollowingNotifier,
  );
  const count = (key: CounterKey, id: string) => counters.values.get(`${key} ${id}`) ?? 0;
  return { service, relations, counters, cache, notifier, count };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('followCounterDelta', () => {
  it.each([
    [RelationType.Cancelled, RelationType.Follow, 1],
    [RelationType.Blacklist, RelationType.Follow, 1],
    [RelationType.Follow, RelationType.Follow, 0],
    [RelationType.Follow, RelationType.Blacklist, -1],
    [RelationType.Follow, RelationType.Cancelled, -1],
    [RelationType.Cancelled, RelationType.Blacklist, 0],
    [RelationType.Blacklist, RelationType.Cancelled, 0],
  ])('%s -> %s moves the counters by %s', (previous, next, delta) => {
    expect(followCounterDelta(previous, next)).toBe(delta);
  });
});

describe('normalizePage', () => {
  it('defaults page to 1 and per_page to 10 and keeps values in range', () => {
    expect(normalizePage(0, 0)).toEqual({ page: 1, perPage: 10 });
    expect(normalizePage(3, 50)).toEqual({ page: 3, perPage: 50 });
  });

  it.each([
    [1, 9],
    [1, 51],
    [-1, 10],
  ])('rejects page %s per_page %s', (page, perPage) => {
    expect(() => normalizePage(page, perPage)).toThrow(AppError);
  });
});

describe('RelationsService counters', () => {
  it('counts a first follow once for both users, drops the caches and notifies the target', async () => {
    const { service, count, cache, notifier } = newTestService();
    await service.follow(ME, TARGET);
    expect(count(CounterKeys.userFollowings, ME)).toBe(1);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(1);
    expect(cache.invalidated).toEqual([`${ME}>${TARGET}`]);
    expect(notifier.sent).toEqual([{ follower: ME, target: TARGET }]);
  });

  it('changes nothing on a repeated follow', async () => {
    const { service, count, counters, cache, notifier } = newTestService();
    await service.follow(ME, TARGET);
    await service.follow(ME, TARGET);
    expect(count(CounterKeys.userFollowings, ME)).toBe(1);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(1);
    expect(counters.calls).toHaveLength(2);
    expect(cache.invalidated).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('counts but does not notify a follow of a user who blacklisted the follower', async () => {
    const { service, count, notifier } = newTestService();
    await service.blacklist(TARGET, ME);
    await service.follow(ME, TARGET);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(1);
    expect(notifier.sent).toEqual([]);
  });

  it('answers a follow stored and counted as made, notifying no one, when whether its user blacklisted the follower cannot be read', async () => {
    const { service, relations, count, notifier } = newTestService();
    relations.relationOf = () =>
      Promise.reject(new Error('Connection lost: The server closed the connection.'));
    await expect(service.follow(ME, TARGET)).resolves.toBeUndefined();
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Follow);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(1);
    expect(notifier.sent).toEqual([]);
  });

  it('decrements both counters when a follow becomes a blacklist, and counts a later follow again', async () => {
    const { service, relations, count } = newTestService();
    await service.follow(ME, TARGET);
    await service.blacklist(ME, TARGET);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Blacklist);
    expect(count(CounterKeys.userFollowings, ME)).toBe(0);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(0);

    await service.follow(ME, TARGET);
    expect(count(CounterKeys.userFollowings, ME)).toBe(1);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(1);
  });

  it('leaves the counters alone when blacklisting a user that was not followed', async () => {
    const { service, relations, counters, cache } = newTestService();
    await service.blacklist(ME, TARGET);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Blacklist);
    expect(counters.calls).toEqual([]);
    expect(cache.invalidated).toEqual([`${ME}>${TARGET}`]);
  });

  it("drops the user's blacklist kept for the news service on every change to or from Blacklist, and on no other", async () => {
    const { service, cache } = newTestService();
    await service.follow(ME, TARGET);
    await service.blacklist(ME, TARGET);
    await service.follow(ME, TARGET);
    await service.unfollow(ME, TARGET);
    await service.blacklist(ME, TARGET);
    await service.unblacklist(ME, TARGET);
    expect(cache.blacklistDropped).toEqual([false, true, true, false, true, true]);
  });

  it('unblacklists to 0 without touching the counters', async () => {
    const { service, relations, counters } = newTestService();
    await service.blacklist(ME, TARGET);
    await service.unblacklist(ME, TARGET);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Cancelled);
    expect(counters.calls).toEqual([]);
  });

  it('decrements on unfollow and does nothing when unfollowing a user that is not followed', async () => {
    const { service, count, counters, cache } = newTestService();
    await service.unfollow(ME, TARGET);
    expect(counters.calls).toEqual([]);
    expect(cache.invalidated).toEqual([]);

    await service.follow(ME, TARGET);
    await service.unfollow(ME, TARGET);
    await service.unfollow(ME, TARGET);
    expect(count(CounterKeys.userFollowings, ME)).toBe(0);
    expect(count(CounterKeys.userFollowers, TARGET)).toBe(0);
    expect(counters.calls).toHaveLength(4);
  });

  it('puts the relation back and fails when its counters cannot move, so the request changed nothing', async () => {
    const { service, relations, counters, notifier } = newTestService();
    const redisDown = new Error('Connection is closed.');
    counters.failure = redisDown;
    await expect(service.follow(ME, TARGET)).rejects.toBe(redisDown);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Cancelled);
    expect(notifier.sent).toEqual([]);

    counters.failure = undefined;
    await service.follow(ME, TARGET);
    counters.failure = redisDown;
    await expect(service.blacklist(ME, TARGET)).rejects.toBe(redisDown);
    await expect(service.unfollow(ME, TARGET)).rejects.toBe(redisDown);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Follow);
    expect(counters.calls).toHaveLength(2);
  });

  it('drops the caches again once a change whose counters failed is put back, as a read in between may have cached it', async () => {
    const { service, relations, counters, cache } = newTestService();
    await service.blacklist(ME, TARGET);
    cache.invalidated.length = 0;
    cache.blacklistDropped.length = 0;
    counters.failure = new Error('Connection is closed.');
    await expect(service.follow(ME, TARGET)).rejects.toBe(counters.failure);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Blacklist);
    expect(cache.invalidated).toEqual([`${ME}>${TARGET}`]);
    expect(cache.blacklistDropped).toEqual([true]);
  });

  it('does not unfollow a blacklisted user (the blacklist stays, counters untouched)', async () => {
    const { service, relations, counters } = newTestService();
    await service.blacklist(ME, TARGET);
    await service.unfollow(ME, TARGET);
    expect(relations.rows.get(`${ME}>${TARGET}`)).toBe(RelationType.Blacklist);
    expect(counters.calls).toEqual([]);
  });

  it('refuses self and unknown targets before writing anything', async () => {
    const { service, relations, counters } = newTestService();
    expect((await rejection(service.follow(ME, ME))).message).toBe('User cannot follow self.');
    expect((await rejection(service.blacklist(ME, ME))).message).toBe(
      'User cannot blacklist self.',
    );
    expect((await rejection(service.follow(ME, UNKNOWN))).message).toBe('Invalid target user id.');
    expect((await rejection(service.follow(ME, 'abc'))).message).toBe('Invalid target user id.');
    expect((await rejection(service.blacklist(ME, UNKNOWN))).message).toBe(
      'Invalid target user id.',
    );
    expect(relations.writes).toBe(0);
    expect(counters.calls).toEqual([]);
  });
});

describe('RelationsService lists and relation', () => {
  it('lists followings with fans counts and mutual follows, and followers the other way round', async () => {
    const { service } = newTestService();
    await service.follow(ME, TARGET);
    await service.follow(ME, OTHER);
    await service.follow(TARGET, ME);

    const followings = await service.listFollowings(ME, 0, 0);
    expect(followings).toEqual({
      totalCount: '2',
      page: 1,
      perPage: 10,
      results: [
        { id: OTHER, name: 'other', photo: '', fansCount: '1', mutualFollow: false },
        { id: TARGET, name: 'target', photo: '', fansCount: '1', mutualFollow: true },
      ],
    });
    const followers = await service.listFollowers(ME, 1, 10);
    expect(followers.results).toEqual([
      { id: TARGET, name: 'target', photo: '', fansCount: '1', mutualFollow: true },
    ]);
    expect((await service.listFollowers(OTHER, 2, 10)).results).toEqual([]);
  });

  it('answers a page straight from MySQL when every fill of the list is dropped before it is read', async () => {
    const { service, relations, cache } = newTestService();
    await service.follow(TARGET, ME);
    await service.follow(OTHER, ME);
    const fans = await service.listFollowers(ME, 1, 10);
    expect(fans.totalCount).toBe('2');
    expect(fans.results.map((user) => user.id)).toEqual([OTHER, TARGET]);
    expect(cache.fills).toBe(3);
    expect(relations.pagesRead).toBe(1);
  });

  it('reads neither list nor page for a user whose counter says the list is empty', async () => {
    const { service, relations, cache } = newTestService();
    expect(await service.listFollowers(ME, 1, 10)).toEqual({
      totalCount: '0',
      page: 1,
      perPage: 10,
      results: [],
    });
    expect([cache.fills, relations.pagesRead]).toEqual([0, 0]);
  });

  it('answers a user with more relations than it caches one pair at a time, caching none', async () => {
    const { service, relations, cache } = newTestService();
    let filled = 0;
    cache.fillRelations = () => (filled++, Promise.resolve(true));
    await service.follow(ME, TARGET);
    relations.pairsRead = 0;
    for (let index = 0; index < MAX_CACHED_RELATIONS; index++)
      relations.rows.set(`${ME}>${2_000_000 + index}`, RelationType.Follow);
    expect(await service.getRelation(ME, TARGET)).toEqual({
      isFollowing: true,
      isBlacklist: false,
    });
    expect(await service.getRelation(ME, OTHER)).toEqual({
      isFollowing: false,
      isBlacklist: false,
    });
    expect([relations.pairsRead, filled, relations.relationListsRead]).toEqual([2, 0, 1]);
    expect(await service.getRelation(TARGET, ME)).toEqual({
      isFollowing: false,
      isBlacklist: false,
    });
    expect([relations.pairsRead, filled, relations.relationListsRead]).toEqual([2, 1, 2]);
  });

  it('reports following and blacklist from the stored relation', async () => {
    const { service } = newTestService();
    await service.follow(ME, TARGET);
    await service.blacklist(ME, OTHER);
    expect(await service.getRelation(ME, TARGET)).toEqual({
      isFollowing: true,
      isBlacklist: false,
    });
    expect(await service.getRelation(ME, OTHER)).toEqual({ isFollowing: false, isBlacklist: true });
    expect(await service.getRelation(TARGET, ME)).toEqual({
      isFollowing: false,
      isBlacklist: false,
    });
  });
});
