import { CacheKeys, type CachePolicy, CacheTtl, REDIS_CACHE, ttlWithJitter, TwoLevelCache } from '@app/cache';
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

/** What `setUser` writes, for reads through the two-level cache. */
const USER_PROFILE_POLICY: CachePolicy = { ttl: CacheTtl.userProfile, missingTtl: CacheTtl.userProfileMissing };

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

  /**
   * Users by id through both cache levels: the misses are loaded with one `load` call and cached,
   * the ids it does not answer as null markers.
   */
  readUsers(
    userIds: readonly string[],
    load: (userIds: string[]) => Promise<Map<string, CachedUser>>,
  ): Promise<Map<string, CachedUser | null>> {
    return this.shared.getMany(userIds, CacheKeys.userProfile, load, USER_PROFILE_POLICY);
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
