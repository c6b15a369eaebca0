import {
  CacheKeys,
  CacheTtl,
  readFillFences,
  REDIS_CACHE,
  storeIfFenced,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { type ChannelSummary, ChannelsRepository } from './channels.repository';

@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    @Inject(REDIS_CACHE) private readonly cache: Redis,
  ) {}

  /**
   * Read-through on `ch:all` / `ch:user:default`. Channel edits drop these keys behind fresh fill
   * fences (`TwoLevelCache.invalidate`), so a fill that read MySQL before an edit stores nothing.
   */
  async list(defaultOnly: boolean): Promise<ChannelSummary[]> {
    const key = defaultOnly ? CacheKeys.defaultChannels() : CacheKeys.allChannels();
    const cached = await this.cache.get(key);
    if (cached !== null) return JSON.parse(cached) as ChannelSummary[];
    const [fence] = await readFillFences(this.cache, [key]);
    const channels = (await this.channels.findVisible(defaultOnly)).map(({ id, name }) => ({
      id,
      name,
    }));
    const value = JSON.stringify(channels);
    await storeIfFenced(this.cache, [
      { key, value, ttlSeconds: ttlWithJitter(CacheTtl.channels), fence },
    ]);
    return channels;
  }
}
