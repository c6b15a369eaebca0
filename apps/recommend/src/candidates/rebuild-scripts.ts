/**
 * Lua scripts that let the pools be rebuilt from news while events keep changing them. An event
 * marks the article it put in place as touched at the version it bumped (`TOUCH_LUA`, in the
 * event's MULTI); a rebuild reads the version before it reads news (its fence) and writes nothing
 * over an article touched after that fence: the event read news after the change that caused it,
 * so it is at least as new as what the rebuild read, and a later change brings its own event.
 */

/** Bumps the version (KEYS[1]) and marks ARGV[1] touched at it (KEYS[2]); answers the version. */
export const TOUCH_LUA = `
local version = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], version, ARGV[1])
return version`;

/** True when `id` is in the zset `touched` at a version after the fence `since`. */
const TOUCHED_AFTER = `
local function touchedAfter(touched, id, since)
  local version = redis.call('ZSCORE', touched, id)
  return version and tonumber(version) > since
end`;

/**
 * Sets fields of the hash KEYS[1] (ARGV[2…]: id, value, id, value…) except those of ids touched
 * (KEYS[2]) after the fence ARGV[1].
 */
export const PUT_UNTOUCHED_FIELDS_LUA = `${TOUCHED_AFTER}
local since = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  if not touchedAfter(KEYS[2], ARGV[i], since) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end`;

/**
 * Deletes the ids ARGV[2…] from the hashes KEYS[1] and KEYS[2] except those touched (KEYS[3])
 * after the fence ARGV[1].
 */
export const FORGET_UNTOUCHED_LUA = `${TOUCHED_AFTER}
local since = tonumber(ARGV[1])
for i = 2, #ARGV do
  if not touchedAfter(KEYS[3], ARGV[i], since) then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end`;

/**
 * Swaps the rebuilt pool KEYS[1] in over KEYS[2] (kept without expiry) and lists the channel
 * ARGV[2] in KEYS[4]. Each id touched (KEYS[3]) after the fence ARGV[1] keeps its place in the
 * current pool: in it with its score, or out of it.
 */
export const SWAP_POOL_LUA = `
local touched = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf')
for _, id in ipairs(touched) do
  local score = redis.call('ZSCORE', KEYS[2], id)
  if score then
    redis.call('ZADD', KEYS[1], score, id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('DEL', KEYS[2])
end
redis.call('SADD', KEYS[4], ARGV[2])
return #touched`;
