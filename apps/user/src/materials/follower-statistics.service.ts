import { APP_CONFIG } from '@app/config';
import type { followerStatisticsV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Inject, Injectable } from '@nestjs/common';

import type { UserConfig } from '../config/user.config';
import { todayIn } from '../users/profile-rules';
import { MaterialErrors } from './material.errors';
import { FollowerStatisticsRepository } from './follower-statistics.repository';

/** Who follows an author: genders and age buckets of the followers' profiles. */
@Injectable()
export class FollowerStatisticsService {
  constructor(
    private readonly statistics: FollowerStatisticsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<UserConfig, 'TZ'>,
  ) {}

  async forUser(
    userId: string,
    now: Date = new Date(),
  ): Promise<followerStatisticsV1.GetFollowerStatisticsResponse> {
    if (!SNOWFLAKE_ID.test(userId)) throw MaterialErrors.invalidUser();
    // Ages turn over at midnight where the users live, not at midnight UTC.
    const counts = await this.statistics.countFollowers(userId, todayIn(this.config.TZ, now));
    return {
      gender: { male: String(counts.male), female: String(counts.female) },
      age: {
        le18: String(counts.le18),
        le23: String(counts.le23),
        le30: String(counts.le30),
        le40: String(counts.le40),
        le50: String(counts.le50),
        gt50: String(counts.gt50),
      },
    };
  }
}
