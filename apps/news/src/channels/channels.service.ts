import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { type ChannelSummary, ChannelsRepository } from './channels.repository';

@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    @Inject(REDIS_CACHE) private readonly cache: Redis,
  ) {}

  /** Read-through on `ch:all` / `ch:user:default`; channel edits delete these keys. */
  async list(defaultOnly: boolean): Promise<ChannelSummary[]> {
    const key = defaultOnly ? CacheKeys.defaultChannels() : CacheKeys.allChannels();
    const cached = await this.cache.get(key);
    if (cached !== null) return JSON.parse(cached) as ChannelSummary[];
    const channels = (await this.channels.findVisible(defaultOnly)).map(({ id, name }) => ({ id, name }));
    await this.cache.set(key, JSON.stringify(channels), 'EX', ttlWithJitter(CacheTtl.channels));
    return channels;
  }
}
