import { relationV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { RelationsService } from './relations.service';

@Controller()
@relationV1.RelationServiceControllerMethods()
export class RelationsGrpcController implements relationV1.RelationServiceController {
  constructor(private readonly relations: RelationsService) {}

  async follow(request: relationV1.FollowRequest): Promise<relationV1.FollowResponse> {
    await this.relations.follow(request.userId, request.targetUserId);
    return { targetUserId: request.targetUserId };
  }

  async unfollow(request: relationV1.UnfollowRequest): Promise<relationV1.UnfollowResponse> {
    await this.relations.unfollow(request.userId, request.targetUserId);
    return {};
  }

  async blacklist(request: relationV1.BlacklistRequest): Promise<relationV1.BlacklistResponse> {
    await this.relations.blacklist(request.userId, request.targetUserId);
    return { targetUserId: request.targetUserId };
  }

  async unblacklist(
    request: relationV1.UnblacklistRequest,
  ): Promise<relationV1.UnblacklistResponse> {
    await this.relations.unblacklist(request.userId, request.targetUserId);
    return {};
  }

  async listFollowings(
    request: relationV1.ListFollowingsRequest,
  ): Promise<relationV1.ListFollowingsResponse> {
    return {
      page: await this.relations.listFollowings(request.userId, request.page, request.perPage),
    };
  }

  async listFollowers(
    request: relationV1.ListFollowersRequest,
  ): Promise<relationV1.ListFollowersResponse> {
    return {
      page: await this.relations.listFollowers(request.userId, request.page, request.perPage),
    };
  }

  getRelation(request: relationV1.GetRelationRequest): Promise<relationV1.GetRelationResponse> {
    return this.relations.getRelation(request.userId, request.targetUserId);
  }

  getBlacklist(request: relationV1.GetBlacklistRequest): Promise<relationV1.GetBlacklistResponse> {
    return this.relations.getBlacklist(request.userId);
  }
}
