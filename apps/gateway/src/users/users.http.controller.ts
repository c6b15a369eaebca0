import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Controller, Get, Param } from '@nestjs/common';

import { type UserCard, UserCardPresenter } from './user-card.presenter';

@Controller('v1_0')
export class UsersHttpController {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    private readonly presenter: UserCardPresenter,
  ) {}

  /** Public card of any user. `is_following`/`is_blacklist` describe the caller's relation (none when anonymous). */
  @Get('users/:target')
  async getUser(@Param('target') target: string): Promise<UserCard & { is_following: boolean; is_blacklist: boolean }> {
    const { user } = await unary(this.users.getUser({ userId: target }));
    return { ...this.presenter.present(user), is_following: false, is_blacklist: false };
  }
}
