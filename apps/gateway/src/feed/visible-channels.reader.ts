import { CacheKeys, SingleFlight, TwoLevelCache } from '@app/cache';
import type { channelV1 } from '@app/contracts';
import { CHANNEL_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import { channelIdsOf, feedServesChannel, RECOMMEND_CHANNEL_ID } from './feed-channel.util';

/** After a failed read, how long requests go by the last list read before the next read. */
export const CHANNEL_LIST_RETRY_MS = 1_000;

const ALL_CHANNELS = CacheKeys.allChannels();

/**
 * The visible channels the feed routes check `channel_id` against: `ch:all`, the list news keeps
 * in the cache Redis, held in this process by the two-level cache. While the process holds it a
 * request asks nothing of Redis or news. A channel edit is to invalidate `ch:all` through the
 * two-level cache, whose broadcast drops every replica's copy; the next request then reads it
 * again (from Redis, else from news' ListChannels, which fills `ch:all` again). A list that cannot
 * be read is replaced by the last one read, or by none, which lets every id pass.
 */
@Injectable()
export class VisibleChannelsReader {
  private readonly reading = new SingleFlight<ReadonlySet<number> | undefined>();
  private last: { list: readonly channelV1.Channel[]; ids: ReadonlySet<number> } | undefined;
  private retryAt = 0;

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(CHANNEL_GRPC) private readonly news: channelV1.ChannelServiceClient,
  ) {}

  /** Whether the feed serves `channelId`: without a round trip while this process holds the list. */
  accepts(channelId: number): boolean | Promise<boolean> {
    if (channelId === RECOMMEND_CHANNEL_ID) return true;
    const held = this.cache.peekLocal<channelV1.Channel[]>(ALL_CHANNELS);
    if (held) return feedServesChannel(channelId, this.idsOf(held));
    return this.read().then((ids) => feedServesChannel(channelId, ids));
  }

  private read(): Promise<ReadonlySet<number> | undefined> {
    if (Date.now() < this.retryAt) return Promise.resolve(this.last?.ids);
    return this.reading.run(ALL_CHANNELS, async () => {
      try {
        return this.idsOf(await this.load());
      } catch {
        this.retryAt = Date.now() + CHANNEL_LIST_RETRY_MS;
        return this.last?.ids;
      }
    });
  }

  private async load(): Promise<readonly channelV1.Channel[]> {
    const cached = await this.cache.peek<channelV1.Channel[]>(ALL_CHANNELS);
    if (cached) return cached;
    return (await unary(this.news.listChannels({ defaultOnly: false }))).channels;
  }

  /** The list's ids, built once per list read (the cache hands out one object until it changes). */
  private idsOf(list: readonly channelV1.Channel[]): ReadonlySet<number> {
    if (this.last?.list !== list) this.last = { list, ids: channelIdsOf(list) };
    return this.last.ids;
  }
}
