import { userV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { UsersService } from './users.service';

@Controller()
@userV1.UserServiceControllerMethods()
export class UsersGrpcController implements userV1.UserServiceController {
  constructor(private readonly users: UsersService) {}

  async getUser(request: userV1.GetUserRequest): Promise<userV1.GetUserResponse> {
    return { user: await this.users.getUserInfo(request.userId) };
  }
}
