import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { relationV1, userV1 } from '@app/contracts';
import { InjectGrpcClient, RELATION_GRPC, unary, USER_GRPC } from '@app/grpc';
import { Controller, Get, Param } from '@nestjs/common';

import { type UserCard, UserCardPresenter } from './user-card.presenter';
import { userTargetParam } from './user-target.param';

const NO_RELATION: relationV1.GetRelationResponse = { isFollowing: false, isBlacklist: false };

@Controller('v1_0')
export class UsersHttpController {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
    private readonly presenter: UserCardPresenter,
  ) {}

  /**
   * Public card of any user. `is_following`/`is_blacklist` describe the caller's relation (none
   * when anonymous). An id that is no positive integer is no route, as the reference's (404).
   */
  @Get('users/:target')
  @Auth('lenient')
  async getUser(
    @Param('target') param: string,
    @CurrentUser() caller: AuthUser | undefined,
  ): Promise<UserCard & { is_following: boolean; is_blacklist: boolean }> {
    const target = userTargetParam(param);
    const [{ user }, relation] = await Promise.all([
      unary(this.users.getUser({ userId: target })),
      caller
        ? unary(this.relations.getRelation({ userId: caller.userId, targetUserId: target }))
        : NO_RELATION,
    ]);
    return {
      ...this.presenter.present(user),
      is_following: relation.isFollowing,
      is_blacklist: relation.isBlacklist,
    };
  }
}
