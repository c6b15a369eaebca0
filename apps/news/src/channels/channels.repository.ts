import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { ChannelEntity } from './channel.entity';

export interface ChannelSummary {
  id: number;
  name: string;
}

@Injectable()
export class ChannelsRepository {
  constructor(
    @InjectRepository(ChannelEntity) private readonly channels: Repository<ChannelEntity>,
  ) {}

  /** Visible channels by sequence then id; `defaultOnly` narrows to the anonymous user's defaults. */
  findVisible(defaultOnly: boolean): Promise<ChannelSummary[]> {
    return this.channels.find({
      select: { id: true, name: true },
      where: defaultOnly ? { isVisible: true, isDefault: true } : { isVisible: true },
      order: { sequence: 'ASC', id: 'ASC' },
    });
  }
}
