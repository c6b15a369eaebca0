import { CounterKeys, REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { readInChunks } from '../candidates/read-in-chunks';
import type { Popularity } from './ranking.util';

const COUNTERS = [
  CounterKeys.articleLikes,
  CounterKeys.articleComments,
  CounterKeys.articleCollections,
  CounterKeys.articleReads,
] as const;

/**
 * The engagement counters of many articles: one round trip per chunk of ids (ZMSCORE per
 * counter), so reading a whole snapshot's worth never blocks Redis or this process for long.
 */
@Injectable()
export class PopularityReader {
  constructor(@Inject(REDIS_STATE) private readonly state: Redis) {}

  read(ids: readonly string[]): Promise<Popularity[]> {
    return readInChunks(ids, (chunk) => this.readChunk(chunk));
  }

  private async readChunk(ids: readonly string[]): Promise<Popularity[]> {
    const pipeline = this.state.pipeline();
    for (const key of COUNTERS) pipeline.zmscore(key, ...ids);
    const replies = (await pipeline.exec()) ?? [];
    const columns = replies.map(([error, values]) => {
      if (error) throw error;
      return (values as Array<string | null>).map((value) => Number(value ?? 0));
    });
    const [likes, comments, collections, reads] = columns;
    return ids.map((_, index) => ({
      likes: likes[index],
      comments: comments[index],
      collections: collections[index],
      reads: reads[index],
    }));
  }
}
