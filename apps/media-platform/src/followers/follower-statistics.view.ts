import type { followerStatisticsV1 } from '@app/contracts';

export interface GenderStatistics {
  male: number;
  female: number;
}

export interface FollowerStatisticsView {
  gender: GenderStatistics;
  age: { le18: number; le23: number; le30: number; le40: number; le50: number; gt50: number };
  device: { ios: number; android: number };
}

/**
 * The user service's counts as the clients read them: JSON numbers. They travel as 64-bit decimal
 * strings; a count of followers is far below 2^53, where a number would round.
 */
export function followerStatisticsView({
  gender,
  age,
}: followerStatisticsV1.GetFollowerStatisticsResponse): Omit<FollowerStatisticsView, 'device'> {
  return {
    gender: { male: Number(gender?.male ?? 0), female: Number(gender?.female ?? 0) },
    age: {
      le18: Number(age?.le18 ?? 0),
      le23: Number(age?.le23 ?? 0),
      le30: Number(age?.le30 ?? 0),
      le40: Number(age?.le40 ?? 0),
      le50: Number(age?.le50 ?? 0),
      gt50: Number(age?.gt50 ?? 0),
    },
  };
}
