import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, isGrpcServiceError, unaryBefore } from '@app/grpc';
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';

/** The largest batch ArticleService.ListLatestArticles answers. */
export const LATEST_MAX_LIMIT = 100;

/** The latest approved article ids of a channel (its pins come from ChannelPinsReader). */
@Injectable()
export class ChannelArticlesReader {
  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
  ) {}

  /**
   * The latest approved ids of the channel (0 = all), newest first, older than `beforeId` ('' =
   * newest); past `deadline` (epoch ms, else the client's default) the call fails DEADLINE_EXCEEDED.
   */
  async latestIds(
    channelId: number,
    limit: number,
    beforeId: string,
    deadline?: number,
  ): Promise<string[]> {
    const listLatest = this.articles.listLatestArticles.bind(this.articles);
    const request = { channelId, limit, beforeArticleId: beforeId };
    const { articleIds } = await unaryBefore(deadline, listLatest, request);
    return articleIds;
  }
}

/**
 * One of the calls of a page that waits on news until one deadline in all (each ListLatestArticles
 * call given that deadline), started only before it: past it, `undefined` where the page read
 * something to answer before (`hasRead`); with nothing read, DEADLINE_EXCEEDED, as news failing.
 */
export async function withinBudget<T>(
  deadline: number,
  hasRead: boolean,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    if (Date.now() >= deadline) throw deadlineExceeded();
    return await call();
  } catch (error) {
    if (hasRead && isGrpcServiceError(error) && error.code === GrpcStatus.DEADLINE_EXCEEDED)
      return undefined;
    throw error;
  }
}

/** What grpc-js answers a call whose deadline has passed. */
function deadlineExceeded(): ServiceError {
  return Object.assign(
    new Error(`${GrpcStatus.DEADLINE_EXCEEDED} DEADLINE_EXCEEDED: Deadline exceeded`),
    {
      code: GrpcStatus.DEADLINE_EXCEEDED,
      details: 'Deadline exceeded',
      metadata: new Metadata(),
    },
  );
}
