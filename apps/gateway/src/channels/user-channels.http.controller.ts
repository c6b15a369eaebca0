import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { channelV1 } from '@app/contracts';
import { CHANNEL_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';

import { ChannelSequenceDto } from './dto/channel-sequence.dto';
import { UserChannelsDto } from './dto/user-channels.dto';
import {
  parseChannelIdParam,
  parseChannelIds,
  parseChannelPositions,
  parseRemovedChannelId,
  parseSequence,
} from './user-channels.parser';

/** The virtual feed channel every list starts with; it is not a row and cannot be added. */
const RECOMMENDED: channelV1.Channel = { id: 0, name: '推荐' };

interface ChannelPositions {
  channels: channelV1.UserChannel[];
}

/** The caller's own channel list; the user always comes from the token, never from the body. */
@Controller()
export class UserChannelsHttpController {
  constructor(
    @InjectGrpcClient(CHANNEL_GRPC) private readonly news: channelV1.ChannelServiceClient,
  ) {}

  /** 推荐 first, then the user's channels by sequence (the defaults when anonymous or when they have none). */
  @Get(['v1_0/user/channels', 'v1_1/user/channels'])
  @Auth('optional')
  async list(
    @CurrentUser() user: AuthUser | undefined,
  ): Promise<{ channels: channelV1.Channel[] }> {
    const { channels } = await unary(this.news.getUserChannels({ userId: user?.userId ?? '' }));
    return { channels: [RECOMMENDED, ...channels] };
  }

  @Post('v1_0/user/channels')
  @Auth()
  async add(
    @CurrentUser() user: AuthUser,
    @Body() body: UserChannelsDto,
  ): Promise<ChannelPositions> {
    const channels = parseChannelPositions(body.channels);
    return unary(this.news.addUserChannels({ userId: user.userId, channels }));
  }

  @Put('v1_0/user/channels')
  @Auth()
  @HttpCode(201)
  async replace(
    @CurrentUser() user: AuthUser,
    @Body() body: UserChannelsDto,
  ): Promise<ChannelPositions> {
    const channels = parseChannelPositions(body.channels);
    return unary(this.news.replaceUserChannels({ userId: user.userId, channels }));
  }

  @Patch('v1_0/user/channels')
  @Auth()
  @HttpCode(201)
  async upsert(
    @CurrentUser() user: AuthUser,
    @Body() body: UserChannelsDto,
  ): Promise<ChannelPositions> {
    const channels = parseChannelPositions(body.channels);
    return unary(this.news.upsertUserChannels({ userId: user.userId, channels }));
  }

  @Delete('v1_0/user/channels')
  @Auth()
  @HttpCode(204)
  async removeMany(
    @CurrentUser() user: AuthUser,
    @Body() body: UserChannelsDto,
  ): Promise<undefined> {
    const channelIds = parseChannelIds(body.channels);
    await unary(this.news.deleteUserChannels({ userId: user.userId, channelIds }));
    return undefined;
  }

  @Put('v1_0/user/channels/:target')
  @Auth()
  @HttpCode(201)
  async move(
    @CurrentUser() user: AuthUser,
    @Param('target') target: string,
    @Body() body: ChannelSequenceDto,
  ): Promise<channelV1.UserChannel> {
    const channelId = parseChannelIdParam(target);
    const seq = parseSequence(body.seq);
    const { id, seq: saved } = await unary(
      this.news.updateUserChannelSequence({ userId: user.userId, channelId, seq }),
    );
    return { id, seq: saved };
  }

  @Delete('v1_0/user/channels/:target')
  @Auth()
  @HttpCode(204)
  async removeOne(
    @CurrentUser() user: AuthUser,
    @Param('target') target: string,
  ): Promise<undefined> {
    const channelId = parseRemovedChannelId(target);
    if (channelId !== undefined)
      await unary(this.news.deleteUserChannels({ userId: user.userId, channelIds: [channelId] }));
    return undefined;
  }
}
