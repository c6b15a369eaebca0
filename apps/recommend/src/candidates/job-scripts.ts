import { LAPSED, STILL_READING, SUPERSEDED } from './reading-scripts';

/**
 * Lua scripts of a job's write: the article as the job read it from news, unless a job whose
 * reading began later already wrote it (STALE: what that job read is at least as new). A write
 * records its reading's stamp as the article's applied one and marks the article touched at a
 * stamp of its own (so a rebuild that began before leaves it alone), even when nothing needed to
 * change; only a change bumps the version. Nor does a job whose reading began before the latest
 * rebuild's (SUPERSEDED: it reads again). Both take KEYS[1…7] = readings, their deadlines, stamps,
 * applied, touched, version, the latest rebuild's stamp; ARGV[1…3] = the reading ('' for a write
 * that belongs to none), its stamp, the article id. Both answer {verdict, changed (0 or 1),
 * version}.
 */

/** A newer reading's state is in place: nothing written. */
export const STALE = 0;
/** Written (an added article is in channel 0's pool only: its channel has no pool). */
export const WRITTEN = 1;
/** Written; the added article is in its channel's pool and channel 0's. */
export const WRITTEN_IN_CHANNEL = 2;

const PRELUDE = `${STILL_READING}
if not stillReading(KEYS[1], KEYS[2], ARGV[1]) then return {${LAPSED}, 0, 0} end
local id = ARGV[3]
local newer = redis.call('ZSCORE', KEYS[4], id)
if newer and tonumber(newer) > tonumber(ARGV[2]) then return {${STALE}, 0, 0} end
local rebuild = redis.call('GET', KEYS[7])
if rebuild and tonumber(rebuild) > tonumber(ARGV[2]) then return {${SUPERSEDED}, 0, 0} end
local function written(verdict, changes)
  if ARGV[1] ~= '' then redis.call('ZADD', KEYS[4], ARGV[2], id) end
  redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[3]), id)
  if changes == 0 then return {verdict, 0, 0} end
  return {verdict, 1, redis.call('INCR', KEYS[6])}
end
local function setField(hash, value)
  if redis.call('HGET', hash, id) == value then return 0 end
  redis.call('HSET', hash, id, value)
  return 1
end`;

/**
 * Puts the article in channel 0's pool (KEYS[11]) and, when the channel ARGV[4] is listed in
 * KEYS[8] (the rebuild lists the live channels), in its pool KEYS[12]; out of the other pools
 * KEYS[13…]; its channel and title words (ARGV[6]) in KEYS[9] and KEYS[10]. ARGV[5] is its
 * creation time.
 */
export const ADD_LUA = `${PRELUDE}
local changes = 0
for i = 13, #KEYS do changes = changes + redis.call('ZREM', KEYS[i], id) end
changes = changes + redis.call('ZADD', KEYS[11], 'CH', ARGV[5], id)
local verdict = ${WRITTEN}
if redis.call('SISMEMBER', KEYS[8], ARGV[4]) == 1 then
  changes = changes + redis.call('ZADD', KEYS[12], 'CH', ARGV[5], id)
  verdict = ${WRITTEN_IN_CHANNEL}
end
changes = changes + redis.call('SADD', KEYS[8], '0')
changes = changes + setField(KEYS[9], ARGV[4]) + setField(KEYS[10], ARGV[6])
return written(verdict, changes)`;

/**
 * Takes the article out of the pools KEYS[10…] and forgets its channel and title words (KEYS[8],
 * KEYS[9]).
 */
export const REMOVE_LUA = `${PRELUDE}
local changes = redis.call('HDEL', KEYS[8], id) + redis.call('HDEL', KEYS[9], id)
for i = 10, #KEYS do changes = changes + redis.call('ZREM', KEYS[i], id) end
return written(${WRITTEN}, changes)`;
