import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, photoUrl } from '@app/config';
import type { followerStatisticsV1, relationV1 } from '@app/contracts';
import { FOLLOWER_STATISTICS_GRPC, InjectGrpcClient, RELATION_GRPC, unary } from '@app/grpc';
import { Controller, Get, Inject, Query } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { FollowerPageQueryDto } from './dto/follower-page-query.dto';
import {
  type FollowerStatisticsView,
  followerStatisticsView,
  type GenderStatistics,
} from './follower-statistics.view';

const DEFAULT_PER_PAGE = 20;

export interface FollowerPage {
  total_count: number;
  page: number;
  per_page: number;
  results: Array<{ id: string; name: string; photo: string }>;
}

/** The author's followers and who they are; guard V on every route. */
@Controller('v1_0')
@Auth('verified')
export class FollowersHttpController {
  constructor(
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
    @InjectGrpcClient(FOLLOWER_STATISTICS_GRPC)
    private readonly statistics: followerStatisticsV1.FollowerStatisticsServiceClient,
    @Inject(APP_CONFIG) private readonly config: MediaPlatformConfig,
  ) {}

  /** Newest follow first. */
  @Get('followers')
  async list(
    @CurrentUser() me: AuthUser,
    @Query() query: FollowerPageQueryDto,
  ): Promise<FollowerPage> {
    const { page } = await unary(
      this.relations.listFollowers({
        userId: me.userId,
        page: query.page ?? 1,
        perPage: query.per_page ?? DEFAULT_PER_PAGE,
      }),
    );
    if (!page) throw new Error('relation service answered without a page');
    return {
      total_count: Number(page.totalCount),
      page: page.page,
      per_page: page.perPage,
      results: (page.results ?? []).map((user) => ({
        id: user.id,
        name: user.name,
        photo: photoUrl(this.config.STORAGE_PUBLIC_URL, user.photo),
      })),
    };
  }

  @Get('statistics/followers/gender')
  async gender(@CurrentUser() me: AuthUser): Promise<GenderStatistics> {
    return (await this.load(me.userId)).gender;
  }

  /**
   * Real counts from the followers' profiles. The device split stays 0: no client reports its
   * platform to the backend, so there is nothing true to count.
   */
  @Get('statistics/followers')
  async overview(@CurrentUser() me: AuthUser): Promise<FollowerStatisticsView> {
    const { gender, age } = await this.load(me.userId);
    return { gender, age, device: { ios: 0, android: 0 } };
  }

  private async load(userId: string): Promise<Omit<FollowerStatisticsView, 'device'>> {
    return followerStatisticsView(await unary(this.statistics.getFollowerStatistics({ userId })));
  }
}
