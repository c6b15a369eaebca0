import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import { ChannelPinsReader } from '../articles/channel-pins.reader';

/** The largest batch ArticleService.ListLatestArticles answers. */
export const LATEST_MAX_LIMIT = 100;

/** Article ids of a channel: its pinned (top) articles and its latest approved ones. */
@Injectable()
export class ChannelArticlesReader {
  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    private readonly pins: ChannelPinsReader,
  ) {}

  /** The channel's pinned ids, highest sequence first (kept a second, see ChannelPinsReader). */
  topIds(channelId: number): Promise<string[]> {
    return this.pins.ids(channelId);
  }

  /** The latest approved ids of the channel (0 = all), newest first, older than `beforeId` ('' = newest). */
  async latestIds(channelId: number, limit: number, beforeId: string): Promise<string[]> {
    const { articleIds } = await unary(
      this.articles.listLatestArticles({ channelId, limit, beforeArticleId: beforeId }),
    );
    return articleIds;
  }
}
