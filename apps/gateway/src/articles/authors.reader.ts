import { CacheKeys, TwoLevelCache } from '@app/cache';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, isGrpcServiceError, unary, USER_GRPC } from '@app/grpc';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';

import { UserCardPresenter } from '../users/user-card.presenter';

/** Name and photo URL of an author. */
export interface Author {
  name: string;
  photo: string;
}

/** The fields of the user service's `user:{uid}:profile` JSON that the gateway reads. */
interface CachedProfile {
  name: string;
  photo: string;
}

/**
 * Authors' names and photos from the user service's `user:{uid}:profile` cache (in process, else
 * one MGET; the user service broadcasts its invalidations), and from UserService.GetUser (which
 * fills that cache) for the ones not cached.
 */
@Injectable()
export class AuthorsReader {
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
    const loaded = await Promise.all(misses.map((id) => this.load(id)));
    misses.forEach((id, index) => authors.set(id, loaded[index]));
    return authors;
  }

  async readOne(userId: string): Promise<Author | null> {
    return (await this.read([userId])).get(userId) ?? null;
  }

  private async load(userId: string): Promise<Author | null> {
    try {
      const { user } = await unary(this.users.getUser({ userId }));
      return user ? this.present(user) : null;
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === GrpcStatus.INVALID_ARGUMENT) return null;
      throw error;
    }
  }

  private present(profile: CachedProfile): Author {
    return { name: profile.name, photo: this.presenter.photoUrl(profile.photo) };
  }
}
