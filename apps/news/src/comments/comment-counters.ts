import { CounterKeys, CounterStore, REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Like and reply counts of many comments. */
export interface CommentCounts {
  likes: number[];
  replies: number[];
}

/** The comment counters in the state role: reads for whole pages, increments through CounterStore. */
@Injectable()
export class CommentCounters {
  constructor(
    @Inject(REDIS_STATE) private readonly redis: Redis,
    private readonly counters: CounterStore,
  ) {}

  /** Counts of `commentIds`, in that order, in one round trip. */
  async read(commentIds: readonly string[]): Promise<CommentCounts> {
    if (commentIds.length === 0) return { likes: [], replies: [] };
    const replies = await this.redis
      .pipeline()
      .zmscore(CounterKeys.commentLikes, ...commentIds)
      .zmscore(CounterKeys.commentReplies, ...commentIds)
      .exec();
    const [likes, replyCounts] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return (value as Array<string | null>).map((count) => Math.max(0, Number(count ?? 0)));
    });
    return { likes, replies: replyCounts };
  }

  /** Whether a list can have members at all (the reference skips MySQL when its counter is 0). */
  async listMayHaveComments(kind: 'article' | 'replies', id: string): Promise<boolean> {
    const key = kind === 'article' ? CounterKeys.articleComments : CounterKeys.commentReplies;
    return (await this.counters.get(key, id)) > 0;
  }

  /** Counts a new comment (`by` 1), or takes that back (-1); both counters move or neither. */
  async commentCreated(articleId: string, parentId: string | null, by: 1 | -1 = 1): Promise<void> {
    await this.counters.move([
      [CounterKeys.articleComments, articleId, by],
      ...(parentId === null ? [] : [[CounterKeys.commentReplies, parentId, by] as const]),
    ]);
  }

  async likeChanged(commentId: string, by: 1 | -1): Promise<void> {
    await this.counters.increment(CounterKeys.commentLikes, commentId, by);
  }
}
