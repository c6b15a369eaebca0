import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter, TwoLevelCache } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** `user:{uid}:profile`: the reference's JSON (plus `email`, which the MP profile shows). */
export interface CachedUser {
  mobile: string;
  name: string;
  /** Storage key; empty when the user has none. */
  photo: string;
  is_media: boolean;
  intro: string;
  certi: string;
  email: string;
}

/** `user:{uid}:profilex`: the `user_profile` row (the reference kept only gender and birthday). */
export interface CachedUserExtra {
  gender: number;
  birthday: string;
  real_name: string;
  id_number: string;
  id_card_front: string;
  id_card_back: string;
  id_card_handheld: string;
}

/** Null marker of a user that does not exist (reference section 3). */
const MISSING = '-1';

/**
 * The two profile caches. Reads answer `undefined` on a miss and `null` for a cached "no such
 * user"; every profile write calls `invalidate`, which also drops the copies that gateways keep
 * in process (they read `user:{uid}:profile` through their two-level cache).
 */
@Injectable()
export class UserProfileCache {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    private readonly shared: TwoLevelCache,
  ) {}

  async getUser(userId: string): Promise<CachedUser | null | undefined> {
    const value = await this.redis.get(CacheKeys.userProfile(userId));
    if (value === null) return undefined;
    return value === MISSING ? null : (JSON.parse(value) as CachedUser);
  }

  /** `getUser` of many users with one MGET, in the order of `userIds`. */
  async getUsers(userIds: readonly string[]): Promise<Array<CachedUser | null | undefined>> {
    const values = await this.redis.mget(userIds.map((userId) => CacheKeys.userProfile(userId)));
    return values.map((value) => {
      if (value === null) return undefined;
      return value === MISSING ? null : (JSON.parse(value) as CachedUser);
    });
  }

  async setUser(userId: string, user: CachedUser | null): Promise<void> {
    if (user) {
      await this.redis.set(
        CacheKeys.userProfile(userId),
        JSON.stringify(user),
        'EX',
        ttlWithJitter(CacheTtl.userProfile),
      );
    } else {
      await this.redis.set(
        CacheKeys.userProfile(userId),
        MISSING,
        'EX',
        ttlWithJitter(CacheTtl.userProfileMissing),
      );
    }
  }

  async getExtra(userId: string): Promise<CachedUserExtra | undefined> {
    const value = await this.redis.get(CacheKeys.userProfileExtra(userId));
    return value === null ? undefined : (JSON.parse(value) as CachedUserExtra);
  }

  async setExtra(userId: string, extra: CachedUserExtra): Promise<void> {
    await this.redis.set(
      CacheKeys.userProfileExtra(userId),
      JSON.stringify(extra),
      'EX',
      ttlWithJitter(CacheTtl.userProfileExtra),
    );
  }

  async invalidate(userId: string): Promise<void> {
    await this.shared.invalidate(CacheKeys.userProfile(userId), CacheKeys.userProfileExtra(userId));
  }
}
