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
/** The moves made while a replace rebuilds the counter, since its read in progress began, summed by id. */
const rebuildJournal = (key: CounterKey): string => `${key}:rebuild:moves`;
/** The rebuild's journaled moves made before its read in progress began, summed by id. */
const rebuildEarlierMoves = (key: CounterKey): string => `${key}:rebuild:earlier`;

/** Ids in the order a repair reads them (unsigned integers, no leading zeros): by length, then text. */
const ID_ORDER_LUA = `
local function after(id, bound)
  if bound == '' then return true end
  if #id ~= #bound then return #id > #bound end
  return id > bound
end
local function forget(journal, low)
  local moves = redis.call('ZRANGE', journal, 0, -1)
  for _, id in ipairs(moves) do
    if after(id, low) then redis.call('ZREM', journal, id) end
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

/** KEYS marker, journal, earlier moves; ARGV run id, ttl ms. */
const BEGIN_REBUILD = new RedisScript<'OK', [string, string, string], [string, number]>(`
redis.call('DEL', KEYS[2], KEYS[3])
return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`);

/**
 * KEYS scratch, marker, journal, earlier moves; ARGV run id, ttl ms, the ids read before
 * (exclusive, '' for none), then count, id, count, id... The page's read counted every move made
 * before it began of an id after those read before (the page's, or those it found none of, or
 * those a later read counts): they are dropped. The moves made while it was read, which it may
 * not have counted, become the earlier moves of the next read. The run's marker lives on with its
 * scratch key.
 */
const WRITE_PAGE = new RedisScript<
  number,
  [string, string, string, string],
  Array<string | number>
>(`${ID_ORDER_LUA}
for i = 4, #ARGV, 1000 do
  redis.call('ZADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  forget(KEYS[4], ARGV[3])
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('ZUNIONSTORE', KEYS[4], 2, KEYS[4], KEYS[3])
    redis.call('DEL', KEYS[3])
  end
  redis.call('PEXPIRE', KEYS[4], ARGV[2])
end
return 1`);

/**
 * KEYS scratch, counter, marker, journal, earlier moves; ARGV run id. Adds the moves no read
 * counted to the scratch key and swaps it in (deletes the counter when there is nothing to swap
 * in). A run that a later one superseded (a repair cut short and run again) drops its scratch key
 * instead: its counts lack the moves the later one journals. Answers 1 when it swapped.
 */
const SWAP_REBUILT = new RedisScript<number, [string, string, string, string, string], [string]>(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 0
end
for _, journal in ipairs({ KEYS[4], KEYS[5] }) do
  local moves = redis.call('ZRANGE', journal, 0, -1, 'WITHSCORES')
  for i = 1, #moves, 2 do redis.call('ZINCRBY', KEYS[1], moves[i + 1], moves[i]) end
end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
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
   * in (an interrupted run leaves nothing for good). Moves made meanwhile are journaled: those made
   * before a read of their ids began are counted by MySQL and dropped, the others (made while their
   * page was read, or after it) are added before the swap, so a like or a comment made while its
   * counter is rebuilt is not undone until the next repair. Of
   * two replaces of one counter at once, the one begun last swaps in; the other drops its counts.
   * No counts at all delete the counter. Returns the members written.
   */
  async replace(
    key: CounterKey,
    batches: AsyncIterable<CounterEntries> | Iterable<CounterEntries>,
  ): Promise<number> {
    const run = randomUUID();
    const scratch = `${key}:rebuilding:${run}`;
    const [marker, journal, earlier] = [
      rebuildMarker(key),
      rebuildJournal(key),
      rebuildEarlierMoves(key),
    ];
    await BEGIN_REBUILD.run(this.redis, [marker, journal, earlier], [run, SCRATCH_TTL_MS]);
    let members = 0;
    let readTo = '';
    for await (const entries of batches) {
      if (entries.length === 0) continue;
      const last = entries.reduce((high, [id]) => (idAfter(id, high) ? id : high), readTo);
      const args = entries.flatMap(([id, count]) => [count, id]);
      await WRITE_PAGE.run(
        this.redis,
        [scratch, marker, journal, earlier],
        [run, SCRATCH_TTL_MS, readTo, ...args],
      );
      readTo = last;
      members += entries.length;
    }
    await SWAP_REBUILT.run(this.redis, [scratch, key, marker, journal, earlier], [run]);
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
