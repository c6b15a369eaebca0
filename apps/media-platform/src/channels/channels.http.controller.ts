import type { newsV1 } from '@app/contracts';
import { InjectGrpcClient, NEWS_GRPC, unary } from '@app/grpc';
import { Controller, Get } from '@nestjs/common';

@Controller('v1_0')
export class ChannelsHttpController {
  constructor(@InjectGrpcClient(NEWS_GRPC) private readonly news: newsV1.NewsServiceClient) {}

  /** All visible channels, by sequence then id. */
  @Get('channels')
  async list(): Promise<{ channels: newsV1.Channel[] }> {
    const { channels } = await unary(this.news.listChannels({ defaultOnly: false }));
    return { channels };
  }
}
