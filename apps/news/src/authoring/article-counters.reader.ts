import { type CounterKey, CounterKeys, execReplies, REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Live counters of one article, from the state role (missing = 0). */
export interface ArticleCounts {
  readCount: number;
  commentCount: number;
  likeCount: number;
  collectCount: number;
}

const KEYS: readonly CounterKey[] = [
  CounterKeys.articleReads,
  CounterKeys.articleComments,
  CounterKeys.articleLikes,
  CounterKeys.articleCollections,
];

/** Reads the counters of many articles in one pipeline: one ZMSCORE per counter. */
@Injectable()
export class ArticleCountersReader {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  async read(articleIds: readonly string[]): Promise<Map<string, ArticleCounts>> {
    const counts = new Map<string, ArticleCounts>();
    if (articleIds.length === 0) return counts;
    const pipeline = this.redis.pipeline();
    for (const key of KEYS) pipeline.zmscore(key, ...articleIds);
    const [reads, comments, likes, collections] = (await execReplies(pipeline)) as Array<
      Array<string | null>
    >;
    articleIds.forEach((id, index) => {
      counts.set(id, {
        readCount: Number(reads[index] ?? 0),
        commentCount: Number(comments[index] ?? 0),
        likeCount: Number(likes[index] ?? 0),
        collectCount: Number(collections[index] ?? 0),
      });
    });
    return counts;
  }
}
