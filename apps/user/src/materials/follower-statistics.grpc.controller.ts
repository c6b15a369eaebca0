import { followerStatisticsV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { FollowerStatisticsService } from './follower-statistics.service';

@Controller()
@followerStatisticsV1.FollowerStatisticsServiceControllerMethods()
export class FollowerStatisticsGrpcController
  implements followerStatisticsV1.FollowerStatisticsServiceController
{
  constructor(private readonly statistics: FollowerStatisticsService) {}

  getFollowerStatistics(
    request: followerStatisticsV1.GetFollowerStatisticsRequest,
  ): Promise<followerStatisticsV1.GetFollowerStatisticsResponse> {
    return this.statistics.forUser(request.userId);
  }
}
