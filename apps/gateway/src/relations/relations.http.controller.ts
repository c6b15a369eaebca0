import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { relationV1 } from '@app/contracts';
import { InjectGrpcClient, PageQueryDto, RELATION_GRPC, unary } from '@app/grpc';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';

import { UserCardPresenter } from '../users/user-card.presenter';
import { userTargetParam } from '../users/user-target.param';
import { RelationTargetDto } from './dto/relation-target.dto';

/** One user in a follow list, as the mobile client reads it. */
export interface FollowCard {
  id: string;
  name: string;
  photo: string;
  fans_count: number;
  mutual_follow: boolean;
}

export interface FollowCardPage {
  total_count: number;
  page: number;
  per_page: number;
  results: FollowCard[];
}

@Controller('v1_0/user')
@Auth()
export class RelationsHttpController {
  constructor(
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
    private readonly presenter: UserCardPresenter,
  ) {}

  @Post('followings')
  async follow(
    @CurrentUser() user: AuthUser,
    @Body() body: RelationTargetDto,
  ): Promise<{ target: string }> {
    const { targetUserId } = await unary(
      this.relations.follow({ userId: user.userId, targetUserId: body.target }),
    );
    return { target: targetUserId };
  }

  @Get('followings')
  async followings(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<FollowCardPage> {
    const { page } = await unary(
      this.relations.listFollowings({
        userId: user.userId,
        page: query.page ?? 0,
        perPage: query.per_page ?? 0,
      }),
    );
    return this.present(page);
  }

  @Delete('followings/:target')
  @HttpCode(204)
  async unfollow(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.relations.unfollow({ userId: user.userId, targetUserId: userTargetParam(target) }),
    );
  }

  @Get('followers')
  async followers(
    @CurrentUser() user: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<FollowCardPage> {
    const { page } = await unary(
      this.relations.listFollowers({
        userId: user.userId,
        page: query.page ?? 0,
        perPage: query.per_page ?? 0,
      }),
    );
    return this.present(page);
  }

  @Post('blacklists')
  async blacklist(
    @CurrentUser() user: AuthUser,
    @Body() body: RelationTargetDto,
  ): Promise<{ target: string }> {
    const { targetUserId } = await unary(
      this.relations.blacklist({ userId: user.userId, targetUserId: body.target }),
    );
    return { target: targetUserId };
  }

  @Delete('blacklists/:target')
  @HttpCode(204)
  async unblacklist(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.relations.unblacklist({ userId: user.userId, targetUserId: userTargetParam(target) }),
    );
  }

  private present(page: relationV1.FollowPage | undefined): FollowCardPage {
    if (!page) throw new Error('user service answered without a page');
    return {
      total_count: Number(page.totalCount),
      page: page.page,
      per_page: page.perPage,
      results: page.results.map((item) => ({
        id: item.id,
        name: item.name,
        photo: this.presenter.photoUrl(item.photo),
        fans_count: Number(item.fansCount),
        mutual_follow: item.mutualFollow,
      })),
    };
  }
}
