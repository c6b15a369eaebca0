import { REDIS_STATE, StateKeys } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

/** How long a replica serves a channel's pinned ids without reading them again. */
export const PINS_CACHE_MS = 1_000;

/**
 * Pinned (top) article ids per channel, `ch:{cid}:art:top`, highest sequence first (as the
 * reference reads it). Pins change rarely and every feed page and card list reads them, so each
 * replica keeps them for a second.
 */
@Injectable()
export class ChannelPinsReader {
  private readonly pins = new LRUCache<number, Promise<string[]>>({
    max: 1_000,
    ttl: PINS_CACHE_MS,
  });

  constructor(@Inject(REDIS_STATE) private readonly state: Redis) {}

  ids(channelId: number): Promise<string[]> {
    let pins = this.pins.get(channelId);
    if (!pins) {
      pins = this.state.zrevrange(StateKeys.channelTopArticles(channelId), 0, -1);
      this.pins.set(channelId, pins);
      pins.catch(() => this.pins.delete(channelId));
    }
    return pins;
  }
}
