import type Redis from 'ioredis';

import type { CounterKey } from './keys';
import { execReplies } from './redis-replies';

/** Counters kept as zsets in the state role (member = id, score = count); a missing member is 0. */
export class CounterStore {
  constructor(private readonly redis: Redis) {}

  async increment(key: CounterKey, id: string, by = 1): Promise<number> {
    return Number(await this.redis.zincrby(key, by, id));
  }

  async get(key: CounterKey, id: string): Promise<number> {
    return Number((await this.redis.zscore(key, id)) ?? 0);
  }

  /** Several counters of one id in one round trip, in the order of `keys`. */
  async getMany(keys: readonly CounterKey[], id: string): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.zscore(key, id);
    return (await execReplies(pipeline)).map((value) => Number(value ?? 0));
  }

  /** Replaces a whole counter atomically (repair job): DEL + ZADD in one MULTI. */
  async replaceAll(key: CounterKey, entries: ReadonlyArray<readonly [id: string, count: number]>): Promise<void> {
    const multi = this.redis.multi().del(key);
    for (const [id, count] of entries) multi.zadd(key, count, id);
    await multi.exec();
  }
}
