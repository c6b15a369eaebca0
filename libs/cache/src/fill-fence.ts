import { randomBytes } from 'node:crypto';

import type Redis from 'ioredis';

import { execReplies } from './redis-replies';
import { RedisScript } from './redis-script';

/**
 * How long a fence outlives the fill or the write that set it: as long as a load may take. A fill
 * whose fence expired meanwhile is not stored (the next read loads again), never stored stale.
 */
export const FILL_FENCE_TTL_SECONDS = 600;

/** The fence of a cached key: a token that every write or invalidation of the key replaces. */
export function fillFenceKey(key: string): string {
  return `${key}:fence`;
}

/** A value a fill read from the source, with the fence it saw before reading. */
export interface FencedFill {
  key: string;
  value: string;
  ttlSeconds: number;
  fence: string;
}

/**
 * The fences of KEYS, each created (ARGV[1]:index, for ARGV[2] s) when there is none: a fill that
 * began with no fence must still tell an eviction or a write during its load from no change.
 */
const READ_FENCES = new RedisScript<string[], string[], [base: string, ttlSeconds: number]>(`
local fences = {}
for i = 1, #KEYS do
  local fence = redis.call('GET', KEYS[i])
  if not fence then
    fence = ARGV[1] .. ':' .. i
    redis.call('SET', KEYS[i], fence, 'EX', ARGV[2])
  end
  fences[i] = fence
end
return fences`);

/**
 * Stores each fill (KEYS: key, fence, key, fence…; ARGV: ttl, value, fence seen… per fill) only
 * while its fence is the one the fill saw before loading; answers 1 (stored) or 0 per fill.
 */
const STORE_IF_FENCED = new RedisScript<number[], string[], Array<string | number>>(`
local stored = {}
for i = 1, #KEYS / 2 do
  local arg = (i - 1) * 3
  if redis.call('GET', KEYS[i * 2]) == ARGV[arg + 3] then
    redis.call('SET', KEYS[i * 2 - 1], ARGV[arg + 2], 'EX', ARGV[arg + 1])
    stored[i] = 1
  else
    stored[i] = 0
  end
end
return stored`);

function newFenceBase(): string {
  return randomBytes(9).toString('base64url');
}

/** Reads (creating where missing) the fences of `keys`, before their values are loaded. */
export async function readFillFences(redis: Redis, keys: readonly string[]): Promise<string[]> {
  return READ_FENCES.run(redis, keys.map(fillFenceKey), [newFenceBase(), FILL_FENCE_TTL_SECONDS]);
}

/** Stores the fills whose fence no write or invalidation replaced since; true where stored. */
export async function storeIfFenced(
  redis: Redis,
  fills: readonly FencedFill[],
): Promise<boolean[]> {
  const stored = await STORE_IF_FENCED.run(
    redis,
    fills.flatMap(({ key }) => [key, fillFenceKey(key)]),
    fills.flatMap(({ value, ttlSeconds, fence }) => [ttlSeconds, value, fence]),
  );
  return stored.map((flag) => flag === 1);
}

/**
 * Deletes `keys` and replaces their fences in one transaction (then publishes `message` on
 * `channel`, when given): a fill that read before this does not store what it read.
 */
export async function dropFenced(
  redis: Redis,
  keys: readonly string[],
  broadcast?: { channel: string; message: string },
): Promise<void> {
  const base = newFenceBase();
  const multi = redis.multi();
  keys.forEach((key, index) => {
    multi.del(key).set(fillFenceKey(key), `${base}:${index}`, 'EX', FILL_FENCE_TTL_SECONDS);
  });
  if (broadcast) multi.publish(broadcast.channel, broadcast.message);
  await execReplies(multi);
}

/** Writes a value and replaces its fence in one transaction: a fill that read before it does not overwrite it. */
export async function writeFenced(
  redis: Redis,
  key: string,
  value: string,
  ttlSeconds: number,
): Promise<void> {
  await execReplies(
    redis
      .multi()
      .set(key, value, 'EX', ttlSeconds)
      .set(fillFenceKey(key), `${newFenceBase()}:0`, 'EX', FILL_FENCE_TTL_SECONDS),
  );
}

/** Members per SADD of `REPLACE_SET_IF_FENCED_LUA` (Lua's `unpack` takes at most about 8 000). */
const SADD_MEMBERS = 5000;

/**
 * Replaces the set KEYS[1] with ARGV[3…] for ARGV[2] s only while its fence KEYS[2] is ARGV[1];
 * answers 1 when it did.
 */
const REPLACE_SET_IF_FENCED = new RedisScript<
  number,
  [set: string, fence: string],
  [fence: string, ttlSeconds: number, ...members: string[]]
>(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, ${SADD_MEMBERS} do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + ${SADD_MEMBERS - 1}, #ARGV)))
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`);

/**
 * Caches a whole set (`members`, not empty) read from the source after `fence` was read with
 * `readFillFences`, unless `dropFenced` dropped it since; true when stored.
 */
export async function replaceSetIfFenced(
  redis: Redis,
  key: string,
  members: readonly string[],
  ttlSeconds: number,
  fence: string,
): Promise<boolean> {
  const stored = await REPLACE_SET_IF_FENCED.run(
    redis,
    [key, fillFenceKey(key)],
    [fence, ttlSeconds, ...members],
  );
  return stored === 1;
}
