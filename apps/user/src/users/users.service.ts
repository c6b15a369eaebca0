import { CounterKeys, CounterStore, writeBetweenDrops } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import type { userV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { UserConfig } from '../config/user.config';
import {
  checkProfileChanges,
  type ProfileChanges,
  todayIn,
  withoutUnchangedName,
} from './profile-rules';
import type { UserProfileEntity } from './user-profile.entity';
import { type CachedUser, type CachedUserExtra, UserProfileCache } from './user-profile.cache';
import type { UserEntity } from './user.entity';
import { UserErrors } from './user.errors';
import { UsersRepository } from './users.repository';

const USER_CARD_COUNTERS = [
  CounterKeys.userArticles,
  CounterKeys.userFollowings,
  CounterKeys.userFollowers,
  CounterKeys.userLikesReceived,
] as const;

const FIGURE_COUNTERS = [CounterKeys.userFollowers, CounterKeys.authorReads] as const;

/** GetUserNames answers at most this many users. */
const MAX_USER_NAMES = 200;

function toCachedUser(user: UserEntity): CachedUser {
  return {
    mobile: user.mobile,
    name: user.name,
    photo: user.photo ?? '',
    is_media: user.isMedia,
    intro: user.intro ?? '',
    certi: user.certi ?? '',
    email: user.email ?? '',
  };
}

function toCachedExtra(profile: UserProfileEntity | null): CachedUserExtra {
  return {
    gender: profile?.gender ?? 0,
    birthday: profile?.birthday ?? '',
    real_name: profile?.realName ?? '',
    id_number: profile?.idNumber ?? '',
    id_card_front: profile?.idCardFront ?? '',
    id_card_back: profile?.idCardBack ?? '',
    id_card_handheld: profile?.idCardHandheld ?? '',
  };
}

function toProfile(userId: string, user: CachedUser, extra: CachedUserExtra): userV1.Profile {
  return {
    id: userId,
    name: user.name,
    photo: user.photo,
    mobile: user.mobile,
    gender: extra.gender,
    birthday: extra.birthday,
    intro: user.intro,
    email: user.email,
    realName: extra.real_name,
    idNumber: extra.id_number,
    idCardFront: extra.id_card_front,
    idCardBack: extra.id_card_back,
    idCardHandheld: extra.id_card_handheld,
  };
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly counters: CounterStore,
    private readonly cache: UserProfileCache,
    @Inject(APP_CONFIG) private readonly config: Pick<UserConfig, 'TZ'>,
  ) {}

  async getUserInfo(userId: string): Promise<userV1.UserInfo> {
    if (!SNOWFLAKE_ID.test(userId)) throw UserErrors.invalidTargetUser();
    const user = await this.cachedUser(userId);
    if (!user) throw UserErrors.invalidTargetUser();
    const [artCount, followCount, fansCount, likeCount] = await this.counters.getMany(
      USER_CARD_COUNTERS,
      userId,
    );
    return {
      id: userId,
      name: user.name,
      photo: user.photo,
      isMedia: user.is_media,
      intro: user.intro,
      certi: user.certi,
      artCount: String(artCount),
      followCount: String(followCount),
      fansCount: String(fansCount),
      likeCount: String(likeCount),
    };
  }

  /**
   * Names and photo keys of the existing users among `userIds`, in that order, through the profile
   * cache; the misses are read with one query and cached, users that do not exist as null markers.
   */
  async getUserNames(userIds: readonly string[]): Promise<userV1.UserName[]> {
    const ids = [...new Set(userIds.filter((id) => SNOWFLAKE_ID.test(id)))].slice(
      0,
      MAX_USER_NAMES,
    );
    if (ids.length === 0) return [];
    const users = await this.cache.readUsers(
      ids,
      async (misses) =>
        new Map(
          (await this.users.findByIds(misses)).map((entity) => [entity.id, toCachedUser(entity)]),
        ),
    );
    return userIds.flatMap((id) => {
      const user = users.get(id);
      return user ? [{ id, name: user.name, photo: user.photo }] : [];
    });
  }

  /** The signed-in user's own profile, read through both profile caches. */
  async getProfile(userId: string): Promise<userV1.Profile> {
    const user = SNOWFLAKE_ID.test(userId) ? await this.cachedUser(userId) : null;
    if (!user) throw UserErrors.userNotFound();
    return toProfile(userId, user, await this.cachedExtra(userId));
  }

  /**
   * Changes only the fields that are set (gender 0 included); a name equal to the current one is
   * no change. Nothing is written unless every field is valid, nor with `dryRun`, which refuses
   * what the save would refuse. The answer is read from MySQL, so the caches this write deletes
   * stay empty until the next read.
   */
  async updateProfile(
    userId: string,
    requested: ProfileChanges,
    { dryRun = false }: { dryRun?: boolean } = {},
  ): Promise<userV1.Profile> {
    const current = SNOWFLAKE_ID.test(userId) ? await this.users.findById(userId) : null;
    if (!current) throw UserErrors.userNotFound();
    const checked = checkProfileChanges(
      withoutUnchangedName(requested, current.name),
      todayIn(this.config.TZ),
    );
    if ('problem' in checked) throw UserErrors.invalidField(checked.problem);
    const { changes } = checked;
    if (changes.name !== undefined && (await this.users.isNameTaken(changes.name, userId))) {
      throw UserErrors.nameExists();
    }
    if (!dryRun && Object.values(changes).some((value) => value !== undefined)) {
      await this.saveDropping(userId, changes);
    }
    const [user, profile] = await Promise.all([
      this.users.findById(userId),
      this.users.findProfileById(userId),
    ]);
    if (!user) throw UserErrors.userNotFound();
    return toProfile(userId, toCachedUser(user), toCachedExtra(profile));
  }

  /** Writes the changes between two drops of the user's cached profile (`writeBetweenDrops`). */
  private saveDropping(userId: string, changes: ProfileChanges): Promise<void> {
    return writeBetweenDrops(
      () => this.cache.invalidate(userId),
      async () => {
        // The unique key settles the race two renames to one free name would otherwise win both.
        if ((await this.users.updateProfile(userId, changes)) === 'name-taken')
          throw UserErrors.nameExists();
      },
      (error) => this.logger.error(`the saved profile of ${userId} stays cached: ${String(error)}`),
    );
  }

  /** Followers and total reads of the user's articles (`count:user:arts:reading`). */
  async getFigure(userId: string): Promise<userV1.GetFigureResponse> {
    const [fansCount, readCount] = await this.counters.getMany(FIGURE_COUNTERS, userId);
    return { fansCount: String(fansCount), readCount: String(readCount) };
  }

  private cachedUser(userId: string): Promise<CachedUser | null> {
    return this.cache.readUser(userId, async () => {
      const entity = await this.users.findById(userId);
      return entity ? toCachedUser(entity) : null;
    });
  }

  private cachedExtra(userId: string): Promise<CachedUserExtra> {
    return this.cache.readExtra(userId, async () =>
      toCachedExtra(await this.users.findProfileById(userId)),
    );
  }
}
