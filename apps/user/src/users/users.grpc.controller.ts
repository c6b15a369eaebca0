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

  async getUserNames(request: userV1.GetUserNamesRequest): Promise<userV1.GetUserNamesResponse> {
    return { users: await this.users.getUserNames(request.userIds) };
  }

  async getProfile(request: userV1.GetProfileRequest): Promise<userV1.GetProfileResponse> {
    return { profile: await this.users.getProfile(request.userId) };
  }

  async updateProfile(request: userV1.UpdateProfileRequest): Promise<userV1.UpdateProfileResponse> {
    // Picked one by one: proto-loader adds `_field` oneof markers for optional fields.
    const {
      name,
      photo,
      gender,
      birthday,
      intro,
      email,
      realName,
      idNumber,
      idCardFront,
      idCardBack,
      idCardHandheld,
    } = request;
    const changes = {
      name,
      photo,
      gender,
      birthday,
      intro,
      email,
      realName,
      idNumber,
      idCardFront,
      idCardBack,
      idCardHandheld,
    };
    return {
      profile: await this.users.updateProfile(request.userId, changes, {
        dryRun: request.dryRun === true,
      }),
    };
  }

  getFigure(request: userV1.GetFigureRequest): Promise<userV1.GetFigureResponse> {
    return this.users.getFigure(request.userId);
  }
}
