import { CacheKeys, type CachePolicy, CacheTtl, TwoLevelCache } from '@app/cache';
import { Injectable } from '@nestjs/common';

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

/** `user:{uid}:profile` through the two-level cache. */
const USER_PROFILE_POLICY: CachePolicy = {
  ttl: CacheTtl.userProfile,
  missingTtl: CacheTtl.userProfileMissing,
};
/** `user:{uid}:profilex`; its load always answers a row (defaults for a user without one). */
const USER_EXTRA_POLICY: CachePolicy = {
  ttl: CacheTtl.userProfileExtra,
  missingTtl: CacheTtl.userProfileMissing,
};

/**
 * The two profile caches, read through the two-level cache: `null` is a cached "no such user".
 * Every profile write calls `invalidate`, which also drops the copies that gateways keep in
 * process, and a read that loaded MySQL before that write does not cache what it read.
 */
@Injectable()
export class UserProfileCache {
  constructor(private readonly shared: TwoLevelCache) {}

  /** The user, loading it with `load` (null: there is no such user) when it is not cached. */
  readUser(userId: string, load: () => Promise<CachedUser | null>): Promise<CachedUser | null> {
    return this.shared.get(CacheKeys.userProfile(userId), load, USER_PROFILE_POLICY);
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

  /** The user's extra profile, loading it with `load` when it is not cached. */
  async readExtra(userId: string, load: () => Promise<CachedUserExtra>): Promise<CachedUserExtra> {
    const extra = await this.shared.get(
      CacheKeys.userProfileExtra(userId),
      load,
      USER_EXTRA_POLICY,
    );
    return extra ?? load();
  }

  async invalidate(userId: string): Promise<void> {
    await this.shared.invalidate(CacheKeys.userProfile(userId), CacheKeys.userProfileExtra(userId));
  }
}
