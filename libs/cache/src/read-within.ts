import type Redis from 'ioredis';

import { withinBudget } from './byte-budget';
import { RedisScript } from './redis-script';

/** What `readWithin` answers for each key: its value, none, or left out of the bound. */
export interface BoundedRead {
  /** The value of each key read; null where Redis holds none, the caller holds it, or it was left out. */
  values: Array<string | null>;
  /** Indexes of the keys left out: their bytes did not fit. */
  leftOut: ReadonlySet<number>;
  /** Bytes of the bound the keys taken leave (negative when the first alone took more). */
  room: number;
}

/**
 * Reads KEYS in order while their bytes fit ARGV[1]: a key's bytes are its caller's ARGV[i + 1]
 * (held by the caller, not read) or, for -1, its STRLEN, measured before GET so that a value that
 * does not fit is never sent. The rule is `withinBudget`'s: the first key and keys of 0 bytes (none
 * stored) are always taken. A key holding no string is read as none, as MGET answers it (its fill
 * then stores over it): its WRONGTYPE error would end the script and fail the whole batch.
 * Answers the values (false: not read), the indexes left out, and the bytes left.
 */
const READ_WITHIN = new RedisScript<[Array<string | null>, number[], number]>(`
local room = tonumber(ARGV[1])
local values, leftOut = {}, {}
for i = 1, #KEYS do
  local held = tonumber(ARGV[i + 1])
  local bytes = held
  if held < 0 then
    bytes = redis.pcall('STRLEN', KEYS[i])
    if type(bytes) ~= 'number' then bytes = 0 end
  end
  values[i] = false
  if i > 1 and bytes > 0 and bytes > room then
    leftOut[#leftOut + 1] = i - 1
  else
    room = room - bytes
    if held < 0 and bytes > 0 then values[i] = redis.call('GET', KEYS[i]) end
  end
end
return {values, leftOut, room}`);

/**
 * The values of `keys` that fit `budget` bytes, in order, in one round trip: `heldBytes[i]` is the
 * bytes of a key the caller holds (counted, not read), undefined for one to read from Redis.
 */
export async function readWithin(
  redis: Redis,
  keys: readonly string[],
  heldBytes: ReadonlyArray<number | undefined>,
  budget: number,
): Promise<BoundedRead> {
  if (heldBytes.every((bytes) => bytes !== undefined)) return heldWithin(heldBytes, budget);
  const [values, leftOut, room] = await READ_WITHIN.run(redis, keys, [
    budget,
    ...heldBytes.map((bytes) => bytes ?? -1),
  ]);
  return { values, leftOut: new Set(leftOut), room };
}

/** `readWithin` of keys the caller holds every one of: no round trip. */
function heldWithin(heldBytes: readonly number[], budget: number): BoundedRead {
  const indexes = heldBytes.map((_, index) => index);
  const { leftOut, room } = withinBudget(indexes, (index) => heldBytes[index], budget);
  return { values: heldBytes.map(() => null), leftOut: new Set(leftOut), room };
}
