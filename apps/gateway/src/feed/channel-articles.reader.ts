import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';

/** The largest batch ArticleService.ListLatestArticles answers. */
export const LATEST_MAX_LIMIT = 100;

/** The latest approved article ids of a channel (its pins come from ChannelPinsReader). */
@Injectable()
export class ChannelArticlesReader {
  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
  ) {}

  /** The latest approved ids of the channel (0 = all), newest first, older than `beforeId` ('' = newest). */
  async latestIds(channelId: number, limit: number, beforeId: string): Promise<string[]> {
    const { articleIds } = await unary(
      this.articles.listLatestArticles({ channelId, limit, beforeArticleId: beforeId }),
    );
    return articleIds;
  }
}
