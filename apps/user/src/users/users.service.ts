import { CounterKeys, CounterStore } from '@app/cache';
import type { userV1 } from '@app/contracts';
import { Injectable } from '@nestjs/common';

import { UserErrors } from './user.errors';
import { UsersRepository } from './users.repository';

const USER_CARD_COUNTERS = [
  CounterKeys.userArticles,
  CounterKeys.userFollowings,
  CounterKeys.userFollowers,
  CounterKeys.userLikesReceived,
] as const;

const SNOWFLAKE_ID = /^[1-9]\d{0,19}$/;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly counters: CounterStore,
  ) {}

  async getUserInfo(userId: string): Promise<userV1.UserInfo> {
    if (!SNOWFLAKE_ID.test(userId)) throw UserErrors.invalidTargetUser();
    const user = await this.users.findById(userId);
    if (!user) throw UserErrors.invalidTargetUser();
    const [artCount, followCount, fansCount, likeCount] = await this.counters.getMany(USER_CARD_COUNTERS, user.id);
    return {
      id: user.id,
      name: user.name,
      photo: user.photo ?? '',
      isMedia: user.isMedia,
      intro: user.intro ?? '',
      certi: user.certi ?? '',
      artCount,
      followCount,
      fansCount,
      likeCount,
    };
  }
}
