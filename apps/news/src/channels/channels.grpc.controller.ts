import { newsV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { ChannelsService } from './channels.service';

@Controller()
@newsV1.NewsServiceControllerMethods()
export class ChannelsGrpcController implements newsV1.NewsServiceController {
  constructor(private readonly channels: ChannelsService) {}

  async listChannels(request: newsV1.ListChannelsRequest): Promise<newsV1.ListChannelsResponse> {
    return { channels: await this.channels.list(request.defaultOnly) };
  }
}
