import { CacheKeys, TwoLevelCache } from '@app/cache';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import { UserCardPresenter } from '../users/user-card.presenter';
import { gatheredMisses } from './gathered-misses';

/** Name and photo URL of an author. */
export interface Author {
  name: string;
  photo: string;
}

/** UserService.GetUserNames answers at most this many users. */
const MAX_USERS_PER_CALL = 200;

/** The fields of the user service's `user:{uid}:profile` JSON that the gateway reads. */
interface CachedProfile {
  name: string;
  photo: string;
}

/**
 * Authors' names and photos from the user service's `user:{uid}:profile` cache (in process, else
 * one MGET; the user service broadcasts its invalidations), and from UserService.GetUserNames
 * (which fills that cache) for the ones not cached: the misses of the requests served together go
 * in one call.
 */
@Injectable()
export class AuthorsReader {
  private readonly misses = gatheredMisses(
    async (userIds) => (await unary(this.users.getUserNames({ userIds }))).users,
    (user) => user.id,
    MAX_USERS_PER_CALL,
  );

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    private readonly presenter: UserCardPresenter,
  ) {}

  /** Authors by id; null for users that do not exist. */
  async read(userIds: readonly string[]): Promise<Map<string, Author | null>> {
    const ids = [...new Set(userIds)];
    const authors = new Map<string, Author | null>();
    if (ids.length === 0) return authors;
    const cached = await this.cache.peekMany<CachedProfile>(ids.map((id) => CacheKeys.userProfile(id)));
    const misses: string[] = [];
    ids.forEach((id, index) => {
      const profile = cached[index];
      if (profile === undefined) misses.push(id);
      else authors.set(id, profile === null ? null : this.present(profile));
    });
    const loaded = await Promise.all(misses.map((id) => this.misses.load(id)));
    misses.forEach((id, index) => {
      const user = loaded[index];
      authors.set(id, user && this.present(user));
    });
    return authors;
  }

  async readOne(userId: string): Promise<Author | null> {
    return (await this.read([userId])).get(userId) ?? null;
  }

  private present(profile: CachedProfile): Author {
    return { name: profile.name, photo: this.presenter.photoUrl(profile.photo) };
  }
}
