import type { channelV1 } from '@app/contracts';
import { InjectGrpcClient, CHANNEL_GRPC, unary } from '@app/grpc';
import { Controller, Get } from '@nestjs/common';

@Controller('v1_0')
export class ChannelsHttpController {
  constructor(
    @InjectGrpcClient(CHANNEL_GRPC) private readonly news: channelV1.ChannelServiceClient,
  ) {}

  /** All visible channels, by sequence then id. */
  @Get('channels')
  async list(): Promise<{ channels: channelV1.Channel[] }> {
    const { channels } = await unary(this.news.listChannels({ defaultOnly: false }));
    return { channels };
  }
}
