import { ErrorKind } from '@app/grpc';

import type {
  FollowerStatistics,
  FollowerStatisticsRepository,
} from './follower-statistics.repository';
import { FollowerStatisticsService } from './follower-statistics.service';

const AUTHOR = '1294287382374383616';
const COUNTS: FollowerStatistics = {
  male: 3,
  female: 4,
  le18: 1,
  le23: 2,
  le30: 0,
  le40: 1,
  le50: 2,
  gt50: 1,
};

describe('FollowerStatisticsService', () => {
  const countFollowers = jest.fn<Promise<FollowerStatistics>, [string, string]>();
  const service = new FollowerStatisticsService(
    { countFollowers } as unknown as FollowerStatisticsRepository,
    { TZ: 'Asia/Shanghai' },
  );

  beforeEach(() => countFollowers.mockReset().mockResolvedValue(COUNTS));

  it("asks for the counts on today's date in the configured time zone, not UTC", async () => {
    // 20:00 UTC on 14 June is already 15 June in Shanghai.
    await service.forUser(AUTHOR, new Date('2025-06-14T20:00:00Z'));
    expect(countFollowers).toHaveBeenCalledWith(AUTHOR, '2025-06-15');
  });

  it('splits the counts into gender and age', async () => {
    expect(await service.forUser(AUTHOR)).toEqual({
      gender: { male: '3', female: '4' },
      age: { le18: '1', le23: '2', le30: '0', le40: '1', le50: '2', gt50: '1' },
    });
  });

  it('refuses a malformed user id without querying', async () => {
    await expect(service.forUser('not-a-user')).rejects.toMatchObject({
      kind: ErrorKind.InvalidArgument,
    });
    expect(countFollowers).not.toHaveBeenCalled();
  });
});
