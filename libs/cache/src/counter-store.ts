import { randomUUID } from 'node:crypto';

import type { LoggerService } from '@nestjs/common';
import type Redis from 'ioredis';

import type { CounterKey } from './keys';
import { execReplies } from './redis-replies';

/** How long a replace may take before its half-built scratch key is dropped. */
const SCRATCH_TTL_MS = 3_600_000;

/** Counts by id, as a repair reads them from MySQL. */
export type CounterEntries = ReadonlyArray<readonly [id: string, count: number]>;

/** One counter's change: the id's count in `key` moves by `by`. */
export type CounterMove = readonly [key: CounterKey, id: string, by: number];

/** Counters kept as zsets in the state role (member = id, score = count); a missing member is 0. */
export class CounterStore {
  constructor(private readonly redis: Redis) {}

  async increment(key: CounterKey, id: string, by = 1): Promise<number> {
    return Number(await this.redis.zincrby(key, by, id));
  }

  /** Several counters in one MULTI: Redis applies all of the moves or none of them. */
  async move(moves: readonly CounterMove[]): Promise<void> {
    if (moves.length === 0) return;
    const transaction = this.redis.multi();
    for (const [key, id, by] of moves) transaction.zincrby(key, by, id);
    await execReplies(transaction);
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

  /**
   * Replaces a whole counter with the counts `batches` yields (repair job). They are written to
   * a scratch key of this call that one RENAME then swaps in, so readers see the old counter until
   * the new one is complete however large it is, and two replaces of one counter never mix their
   * counts. A scratch key expires unless swapped in (an interrupted run leaves nothing for good);
   * the swap drops that expiry in the same MULTI. No counts at all delete the counter. Returns the
   * members written.
   */
  async replace(key: CounterKey, batches: AsyncIterable<CounterEntries> | Iterable<CounterEntries>): Promise<number> {
    const scratch = `${key}:rebuilding:${randomUUID()}`;
    let members = 0;
    for await (const entries of batches) {
      if (entries.length === 0) continue;
      const args = entries.flatMap(([id, count]) => [count, id]);
      await execReplies(this.redis.pipeline().zadd(scratch, ...args).pexpire(scratch, SCRATCH_TTL_MS));
      members += entries.length;
    }
    if (members === 0) await this.redis.del(key);
    else await execReplies(this.redis.multi().rename(scratch, key).persist(key));
    return members;
  }
}

/**
 * Counts a change already written to MySQL: runs `count` (which moves its counters); when that
 * fails (the state Redis is down), takes the change back with `undo` and rethrows, so the request
 * changed nothing and the client may send it again. An undo that fails too is logged: the row
 * then stays counted wrongly until the next counter repair.
 */
export async function countOrUndo(
  count: () => Promise<void>,
  undo: () => Promise<unknown>,
  logger: Pick<LoggerService, 'error'>,
): Promise<void> {
  try {
    await count();
  } catch (error) {
    try {
      await undo();
    } catch (undoError) {
      const reason = undoError instanceof Error ? undoError.message : String(undoError);
      logger.error(`a change whose counters failed was not taken back: ${reason}`);
    }
    throw error;
  }
}
