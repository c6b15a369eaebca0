import { randomUUID } from 'node:crypto';

import type { LoggerService } from '@nestjs/common';
import type Redis from 'ioredis';

import { ApplyOnceScript } from './apply-once';
import type { CounterKey } from './keys';
import { execReplies } from './redis-replies';
import { RedisScript } from './redis-script';

/** How long a replace may take before its half-built scratch key is dropped. */
const SCRATCH_TTL_MS = 3_600_000;

/** Counts by id, as a repair reads them from MySQL. */
export type CounterEntries = ReadonlyArray<readonly [id: string, count: number]>;

/** One counter's change: the id's count in `key` moves by `by`. */
export type CounterMove = readonly [key: CounterKey, id: string, by: number];

/** Set while a replace rebuilds the counter (to its run id): moves are then also journaled. */
const rebuildMarker = (key: CounterKey): string => `${key}:rebuild`;
/** The moves made while a replace rebuilds the counter, summed by id. */
const rebuildJournal = (key: CounterKey): string => `${key}:rebuild:moves`;

/** Ids in the order a repair reads them (unsigned integers, no leading zeros): by length, then text. */
const ID_ORDER_LUA = `
local function after(id, bound)
  if bound == '' then return true end
  if #id ~= #bound then return #id > #bound end
  return id > bound
end
local function within(id, low, high)
  return after(id, low) and (high == '' or not after(id, high))
end
local function forget(journal, low, high)
  local moves = redis.call('ZRANGE', journal, 0, -1)
  for _, id in ipairs(moves) do
    if within(id, low, high) then redis.call('ZREM', journal, id) end
  end
end`;

/**
 * KEYS per move: counter, its rebuild marker, its rebuild journal; ARGV per move: by, id. Answers
 * each counter's new count; a move sent again after it was applied answers the counts as they are.
 */
const MOVE = new ApplyOnceScript<string[]>({
  apply: `
local counts = {}
for i = 1, #ARGV, 2 do
  local k = (i - 1) / 2 * 3
  counts[#counts + 1] = redis.call('ZINCRBY', KEYS[k + 1], ARGV[i], ARGV[i + 1])
  local ttl = redis.call('PTTL', KEYS[k + 2])
  if ttl > 0 then
    redis.call('ZINCRBY', KEYS[k + 3], ARGV[i], ARGV[i + 1])
    redis.call('PEXPIRE', KEYS[k + 3], ttl)
  end
end
return counts`,
  replay: `
local counts = {}
for i = 1, #ARGV, 2 do
  counts[#counts + 1] = redis.call('ZSCORE', KEYS[(i - 1) / 2 * 3 + 1], ARGV[i + 1]) or '0'
end
return counts`,
});

/** KEYS marker, journal; ARGV run id, ttl ms. */
const BEGIN_REBUILD = new RedisScript<'OK', [string, string], [string, number]>(`
redis.call('DEL', KEYS[2])
return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`);

/**
 * KEYS scratch, marker, journal; ARGV run id, ttl ms, the ids read before (exclusive, '' for
 * none), the last id of this page, then count, id, count, id... The page's counts supersede this
 * run's journaled moves of its id range, which MySQL counted; the run's marker lives on with its
 * scratch key.
 */
const WRITE_PAGE = new RedisScript<number, [string, string, string], Array<string | number>>(`${ID_ORDER_LUA}
for i = 5, #ARGV, 1000 do
  redis.call('ZADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  forget(KEYS[3], ARGV[3], ARGV[4])
end
return 1`);

/**
 * KEYS scratch, counter, marker, journal; ARGV run id, the last id read ('' for none). Adds the
 * moves made after their ids were read to the scratch key and swaps it in (deletes the counter
 * when there is nothing to swap in). A run that a later one superseded (a repair cut short and
 * run again) drops its scratch key instead: its counts lack the moves the later one journals.
 * Answers 1 when it swapped.
 */
const SWAP_REBUILT = new RedisScript<number, [string, string, string, string], [string, string]>(`${ID_ORDER_LUA}
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 0
end
forget(KEYS[4], ARGV[2], '')
local moves = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
for i = 1, #moves, 2 do redis.call('ZINCRBY', KEYS[1], moves[i + 1], moves[i]) end
redis.call('DEL', KEYS[3], KEYS[4])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
else
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PERSIST', KEYS[2])
end
return 1`);

/**
 * Counters kept as zsets in the state role (member = id, score = count); a missing member is 0.
 * A move applies once, also when ioredis sends it again after its reply was lost (`ApplyOnceScript`).
 */
export class CounterStore {
  constructor(private readonly redis: Redis) {}

  async increment(key: CounterKey, id: string, by = 1): Promise<number> {
    const [count] = await this.run([[key, id, by]]);
    return Number(count);
  }

  /** Several counters in one script call: no other client's command runs between the moves. */
  async move(moves: readonly CounterMove[]): Promise<void> {
    if (moves.length === 0) return;
    await this.run(moves);
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
   * Replaces a whole counter with the counts `batches` yields (repair job), in id order as
   * `groupCounts` reads them. They are written to a scratch key of this call that one script then
   * swaps in, so readers see the old counter until the new one is complete however large it is,
   * and two replaces of one counter never mix their counts. A scratch key expires unless swapped
   * in (an interrupted run leaves nothing for good). Moves made meanwhile are journaled: those of
   * ids read after them are counted by MySQL and dropped, the others are added before the swap, so
   * a like or a comment made while its counter is rebuilt is not undone until the next repair. Of
   * two replaces of one counter at once, the one begun last swaps in; the other drops its counts.
   * No counts at all delete the counter. Returns the members written.
   */
  async replace(key: CounterKey, batches: AsyncIterable<CounterEntries> | Iterable<CounterEntries>): Promise<number> {
    const run = randomUUID();
    const scratch = `${key}:rebuilding:${run}`;
    const [marker, journal] = [rebuildMarker(key), rebuildJournal(key)];
    await BEGIN_REBUILD.run(this.redis, [marker, journal], [run, SCRATCH_TTL_MS]);
    let members = 0;
    let readTo = '';
    for await (const entries of batches) {
      if (entries.length === 0) continue;
      const last = entries.reduce((high, [id]) => (idAfter(id, high) ? id : high), readTo);
      const args = entries.flatMap(([id, count]) => [count, id]);
      await WRITE_PAGE.run(this.redis, [scratch, marker, journal], [run, SCRATCH_TTL_MS, readTo, last, ...args]);
      readTo = last;
      members += entries.length;
    }
    await SWAP_REBUILT.run(this.redis, [scratch, key, marker, journal], [run, readTo]);
    return members;
  }

  private run(moves: readonly CounterMove[]): Promise<string[]> {
    return MOVE.run(
      this.redis,
      moves.flatMap(([key]) => [key, rebuildMarker(key), rebuildJournal(key)]),
      moves.flatMap(([, id, by]) => [by, id]),
    );
  }
}

/** `ID_ORDER_LUA`'s order: unsigned integers compare by length first. */
function idAfter(id: string, bound: string): boolean {
  if (bound === '') return true;
  return id.length !== bound.length ? id.length > bound.length : id > bound;
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
