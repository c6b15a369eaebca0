import { randomInt, randomUUID } from 'node:crypto';

import type Redis from 'ioredis';

import { execReplies } from './redis-replies';
import { RedisScript } from './redis-script';

/** How long a sorted set being written may take before its scratch key expires (a writer that died). */
const SCRATCH_TTL_SECONDS = 600;
/** Members per ZADD. */
const ZADD_MEMBERS = 500;

/** (score, member) pairs of a sorted set. */
export type ScoredMembers = ReadonlyArray<readonly [score: number | string, member: string]>;

/**
 * Side keys of a set that writers change while it may be rebuilt: `fence` is a token each write
 * that dropped it replaces, `recent` holds what was added lately (for `GUARD_TTL_SECONDS`) and a
 * marker of each rebuild reading (scored -inf). `added` holds what was added lately without the
 * markers: the release before merges the whole of it, and a marker it merged would sit in the set
 * as its lowest member (at -inf, the end of every comment list) until the TTL.
 */
function guardKeys(key: string): { fence: string; added: string; recent: string } {
  return { fence: `${key}:fence`, added: `${key}:added`, recent: `${key}:recent` };
}

/** How long the side keys outlive a write: as long as a rebuild may take. */
const GUARD_TTL_SECONDS = SCRATCH_TTL_SECONDS;

/**
 * Lua that drops the scratch key KEYS[1] and answers 0 unless it holds the ARGV[1] members its
 * writes added: the cache Redis evicting it (allkeys-lru) between two chunks leaves the later
 * chunks alone in a key of the same name.
 */
const UNLESS_SCRATCH_WHOLE = `
if redis.call('ZCARD', KEYS[1]) ~= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return 0
end`;

/** Swaps a rebuild in (KEYS: scratch, set; ARGV: its members, the set's TTL) when it is whole. */
const SWAP = new RedisScript<
  number,
  [scratch: string, set: string],
  [members: number, ttlSeconds: number]
>(`
${UNLESS_SCRATCH_WHOLE}
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`);

/**
 * Swaps a guarded rebuild in (KEYS: scratch, set, fence, added, recent; ARGV: its members, the
 * set's TTL, the fence the rebuild saw before reading, its marker) when it is whole: not at all
 * when a write dropped the set meanwhile, nor when its marker is gone from `recent` (the cache
 * Redis evicted what was added meanwhile, which a new key of that name no longer holds), and with
 * what was added meanwhile merged in (`added` too: what the release before added). The marker is
 * taken out whatever the answer.
 */
const GUARDED_SWAP = new RedisScript<
  number,
  [scratch: string, set: string, fence: string, added: string, recent: string],
  [members: number, ttlSeconds: number, fence: string, marker: string]
>(`
local marked = redis.call('ZREM', KEYS[5], ARGV[4]) == 1
${UNLESS_SCRATCH_WHOLE}
if not marked or (redis.call('GET', KEYS[3]) or '') ~= ARGV[3] then
  redis.call('DEL', KEYS[1])
  return 0
end
-- Member by member, the higher score kept: a ZUNIONSTORE would copy the whole rebuild, which for
-- a list of a million held Redis for seconds and outlasted the clients' command timeout. Markers
-- (scored -inf) are left out.
for _, source in ipairs({ KEYS[4], KEYS[5] }) do
  local added = redis.call('ZRANGE', source, '(-inf', '+inf', 'BYSCORE', 'WITHSCORES')
  for i = 1, #added, 2 do redis.call('ZADD', KEYS[1], 'GT', added[i + 1], added[i]) end
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`);

/**
 * The fence KEYS[1], set to ARGV[1] for ARGV[2] s when there is none: a rebuild that began with
 * no fence must still tell a drop whose fence the cache Redis then evicted from no drop. The
 * rebuild's marker ARGV[3] goes into `recent` (KEYS[2]) at -inf, for its swap to tell what was
 * added meanwhile from a key the cache Redis evicted (and a later add made anew).
 */
const BEGIN_GUARDED_REBUILD = new RedisScript<
  string,
  [fence: string, recent: string],
  [token: string, ttlSeconds: number, marker: string]
>(`
redis.call('ZADD', KEYS[2], '-inf', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local fence = redis.call('GET', KEYS[1])
if fence then return fence end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`);

/** A new fence token: an integer, which a release that counted its drops (INCR) can still move. */
function newFenceToken(): string {
  return String(randomInt(1, 2 ** 48));
}

/**
 * Adds to `added` (KEYS[2]) and `recent` (KEYS[3]), and to the set (KEYS[1]) when it is cached for
 * more than ARGV[3] s.
 */
const GUARDED_ADD = new RedisScript<
  null,
  [set: string, added: string, recent: string],
  [score: string, member: string, minTtlSeconds: number, addedTtlSeconds: number]
>(`
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
if redis.call('TTL', KEYS[1]) > tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end`);

export interface SwapOptions {
  /**
   * The set's writers use `addToSortedSet` and `dropSortedSets`: a rebuild that a drop overtook is
   * not swapped in (the next read rebuilds it), and members added during it are merged in (one
   * whose record of them the cache Redis evicted is not swapped in either). Without it, a rebuild
   * that read MySQL before a write would cache what the write changed until the TTL.
   */
  guarded?: boolean;
}

/**
 * Writes a cached sorted set whole from pairs read a chunk at a time. They go to a scratch key of
 * this call that one RENAME swaps in with `ttlSeconds`, so readers see the old set, none, or the
 * whole new one, and memory holds one chunk at a time however large the set. No pairs at all
 * leave `key` as it was, and so does a scratch key the cache Redis evicted meanwhile (it would
 * hold the later chunks only). Resolves with the members written (also when the rebuild was not
 * swapped in: the set is then not cached by it).
 */
export async function swapInSortedSet(
  redis: Redis,
  key: string,
  chunks: AsyncIterable<ScoredMembers>,
  ttlSeconds: number,
  options: SwapOptions = {},
): Promise<number> {
  const rebuild = randomUUID();
  const scratch = `${key}:filling:${rebuild}`;
  const guard = guardKeys(key);
  // Read before the first chunk is: a write after this moment is one the rebuild may have missed.
  const fence = options.guarded
    ? await BEGIN_GUARDED_REBUILD.run(
        redis,
        [guard.fence, guard.recent],
        [newFenceToken(), GUARD_TTL_SECONDS, rebuild],
      )
    : undefined;
  let written = 0;
  // Members the ZADDs added, duplicates across chunks counted once: what the scratch key holds.
  let added = 0;
  try {
    for await (const pairs of chunks) {
      if (pairs.length === 0) continue;
      const multi = redis.multi();
      for (let start = 0; start < pairs.length; start += ZADD_MEMBERS) {
        multi.zadd(scratch, ...pairs.slice(start, start + ZADD_MEMBERS).flat());
      }
      const replies = await execReplies(multi.expire(scratch, SCRATCH_TTL_SECONDS));
      for (const reply of replies.slice(0, -1)) added += Number(reply);
      written += pairs.length;
    }
    if (written === 0) {
      if (fence !== undefined) await redis.zrem(guard.recent, rebuild);
      return 0;
    }
    if (fence === undefined) await SWAP.run(redis, [scratch, key], [added, ttlSeconds]);
    else
      await GUARDED_SWAP.run(
        redis,
        [scratch, key, guard.fence, guard.added, guard.recent],
        [added, ttlSeconds, fence, rebuild],
      );
    return written;
  } catch (error) {
    const cleanup = redis.multi().del(scratch);
    if (fence !== undefined) cleanup.zrem(guard.recent, rebuild);
    await cleanup.exec().catch(() => undefined);
    throw error;
  }
}

/**
 * Adds a member to a guarded set (see `SwapOptions`): to the set itself when it is cached for more
 * than `minTtlSeconds` (one about to expire is left alone), and for a rebuild in progress to merge.
 */
export async function addToSortedSet(
  redis: Redis,
  key: string,
  score: number | string,
  member: string,
  minTtlSeconds: number,
): Promise<void> {
  const guard = guardKeys(key);
  await GUARDED_ADD.run(
    redis,
    [key, guard.added, guard.recent],
    [String(score), member, minTtlSeconds, GUARD_TTL_SECONDS],
  );
}

/**
 * Drops guarded sets a write changed (the next read rebuilds them), so that no rebuild already
 * reading swaps its copy in; `changed` members are no longer merged in as lately added.
 */
export async function dropSortedSets(
  redis: Redis,
  keys: readonly string[],
  changed: readonly string[] = [],
): Promise<void> {
  const multi = redis.multi();
  for (const key of keys) {
    const guard = guardKeys(key);
    multi.del(key).set(guard.fence, newFenceToken(), 'EX', GUARD_TTL_SECONDS);
    if (changed.length > 0) multi.zrem(guard.added, ...changed).zrem(guard.recent, ...changed);
  }
  await execReplies(multi);
}
