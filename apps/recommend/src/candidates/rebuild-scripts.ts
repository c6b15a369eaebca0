import { LAPSED, STILL_READING } from './reading-scripts';

/**
 * Lua scripts that let the pools be rebuilt from news while jobs keep changing them. A job marks
 * the article it put in place as touched at a stamp its write takes (job-scripts.ts); a rebuild
 * takes its stamp before it reads news and writes nothing over an article touched after it: the
 * job read news after the change that caused it, so it is at least as new as what the rebuild
 * read, and a later change brings its own job. Each script first checks that the rebuild's reading
 * is still registered (KEYS[1], deadlines KEYS[2]; ARGV[1] the reading, ARGV[2] its stamp) and
 * answers LAPSED without writing when it is not.
 */

/** True when `id` is in the zset `touched` at a stamp after `since`. */
const TOUCHED_AFTER = `
local function touchedAfter(touched, id, since)
  local stamp = redis.call('ZSCORE', touched, id)
  return stamp and tonumber(stamp) > since
end`;

const PRELUDE = `${STILL_READING}
${TOUCHED_AFTER}
if not stillReading(KEYS[1], KEYS[2], ARGV[1]) then return ${LAPSED} end
local since = tonumber(ARGV[2])`;

/**
 * Sets fields of the hash KEYS[3] (ARGV[3…]: id, value, id, value…) except those of ids touched
 * (KEYS[4]) after the rebuild's stamp.
 */
export const PUT_UNTOUCHED_FIELDS_LUA = `${PRELUDE}
for i = 3, #ARGV, 2 do
  if not touchedAfter(KEYS[4], ARGV[i], since) then
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
return 0`;

/**
 * Deletes the ids ARGV[3…] from the hashes KEYS[3] and KEYS[4] except those touched (KEYS[5])
 * after the rebuild's stamp.
 */
export const FORGET_UNTOUCHED_LUA = `${PRELUDE}
for i = 3, #ARGV do
  if not touchedAfter(KEYS[5], ARGV[i], since) then
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
  end
end
return 0`;

/**
 * Swaps the rebuilt pool KEYS[3] in over KEYS[4] (kept without expiry) and lists the channel
 * ARGV[3] in KEYS[6]. Each id touched (KEYS[5]) after the rebuild's stamp keeps its place in the
 * current pool: in it with its score, or out of it.
 */
export const SWAP_POOL_LUA = `${PRELUDE}
local touched = redis.call('ZRANGEBYSCORE', KEYS[5], '(' .. ARGV[2], '+inf')
for _, id in ipairs(touched) do
  local score = redis.call('ZSCORE', KEYS[4], id)
  if score then
    redis.call('ZADD', KEYS[3], score, id)
  else
    redis.call('ZREM', KEYS[3], id)
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('RENAME', KEYS[3], KEYS[4])
  redis.call('PERSIST', KEYS[4])
else
  redis.call('DEL', KEYS[4])
end
redis.call('SADD', KEYS[6], ARGV[3])
return #touched`;
