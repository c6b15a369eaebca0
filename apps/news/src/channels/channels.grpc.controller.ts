import { channelV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { ChannelsService } from './channels.service';
import { UserChannelsService } from './user-channels.service';

@Controller()
@channelV1.ChannelServiceControllerMethods()
export class ChannelsGrpcController implements channelV1.ChannelServiceController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly userChannels: UserChannelsService,
  ) {}

  async listChannels(
    request: channelV1.ListChannelsRequest,
  ): Promise<channelV1.ListChannelsResponse> {
    return { channels: await this.channels.list(request.defaultOnly) };
  }

  async getUserChannels(
    request: channelV1.GetUserChannelsRequest,
  ): Promise<channelV1.GetUserChannelsResponse> {
    return { channels: await this.userChannels.list(request.userId) };
  }

  async addUserChannels(
    request: channelV1.AddUserChannelsRequest,
  ): Promise<channelV1.AddUserChannelsResponse> {
    return { channels: await this.userChannels.add(request.userId, request.channels) };
  }

  async replaceUserChannels(
    request: channelV1.ReplaceUserChannelsRequest,
  ): Promise<channelV1.ReplaceUserChannelsResponse> {
    return { channels: await this.userChannels.replace(request.userId, request.channels) };
  }

  async upsertUserChannels(
    request: channelV1.UpsertUserChannelsRequest,
  ): Promise<channelV1.UpsertUserChannelsResponse> {
    return { channels: await this.userChannels.upsert(request.userId, request.channels) };
  }

  updateUserChannelSequence(
    request: channelV1.UpdateUserChannelSequenceRequest,
  ): Promise<channelV1.UpdateUserChannelSequenceResponse> {
    return this.userChannels.move(request.userId, request.channelId, request.seq);
  }

  async deleteUserChannels(
    request: channelV1.DeleteUserChannelsRequest,
  ): Promise<channelV1.DeleteUserChannelsResponse> {
    await this.userChannels.remove(request.userId, request.channelIds);
    return {};
  }
}
