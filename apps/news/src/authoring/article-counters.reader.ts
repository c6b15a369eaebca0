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

/** Reads the counters of many articles in one pipeline. */
@Injectable()
export class ArticleCountersReader {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  async read(articleIds: readonly string[]): Promise<Map<string, ArticleCounts>> {
    const counts = new Map<string, ArticleCounts>();
    if (articleIds.length === 0) return counts;
    const pipeline = this.redis.pipeline();
    for (const id of articleIds) for (const key of KEYS) pipeline.zscore(key, id);
    const values = (await execReplies(pipeline)).map((value) => Number(value ?? 0));
    articleIds.forEach((id, index) => {
      const [readCount, commentCount, likeCount, collectCount] = values.slice(index * KEYS.length, (index + 1) * KEYS.length);
      counts.set(id, { readCount, commentCount, likeCount, collectCount });
    });
    return counts;
  }
}
