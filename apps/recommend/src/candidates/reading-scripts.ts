/**
 * Lua scripts that register the readings of news that write the pools: a rebuild's and each job's.
 * A reading takes a stamp as it begins (`BEGIN_READING_LUA`) and stays registered until it ends
 * (`END_READING_LUA`), which forgets the touches and applied stamps no reading still going can
 * need. A reading whose holder died lapses after READING_LIFETIME_MS without a write; a write of a
 * lapsed reading is refused (`LAPSED`), since what protected it may be forgotten. A job's write is
 * also refused (`SUPERSEDED`) once a rebuild began reading after the job did: the rebuild read the
 * article after the change that caused the job (and a ban whose job was lost), and it leaves the
 * articles alone that jobs begun after it write, so the job reads again.
 */

/** How long a reading stays registered after it began or last wrote. */
export const READING_LIFETIME_MS = 600_000;

/** What a write of a reading that lapsed answers. */
export const LAPSED = -1;

/** Lua: the Redis clock in ms, so every replica's deadlines are on one clock. */
const NOW_MS = `
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end`;

/**
 * Lua: true while `reading` is registered in the zset `readings`, whose deadline in `deadlines`
 * it pushes back; a write that belongs to no reading ('') always may.
 */
export const STILL_READING = `${NOW_MS}
local function stillReading(readings, deadlines, reading)
  if reading == '' then return true end
  if not redis.call('ZSCORE', readings, reading) then return false end
  redis.call('ZADD', deadlines, nowMs() + ${READING_LIFETIME_MS}, reading)
  return true
end`;

/** What a job's write answers when a rebuild began reading news after the job did. */
export const SUPERSEDED = -2;

/**
 * Takes a stamp (KEYS[1]) for the reading ARGV[1] and registers it (KEYS[2]) with its deadline
 * (KEYS[3]); a rebuild's (ARGV[2] = '1') is kept as the latest rebuild's stamp (KEYS[4]). Answers
 * the stamp.
 */
export const BEGIN_READING_LUA = `${NOW_MS}
local stamp = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], stamp, ARGV[1])
redis.call('ZADD', KEYS[3], nowMs() + ${READING_LIFETIME_MS}, ARGV[1])
if ARGV[2] == '1' then redis.call('SET', KEYS[4], stamp) end
return stamp`;

/**
 * Ends the reading ARGV[1] (KEYS[1], deadlines KEYS[2]) and those past their deadline, then
 * forgets the touches (KEYS[3]) and applied stamps (KEYS[4]) up to the oldest reading still going:
 * each reading needs only those after its own stamp.
 */
export const END_READING_LUA = `${NOW_MS}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for _, lapsed in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs())) do
  redis.call('ZREM', KEYS[1], lapsed)
  redis.call('ZREM', KEYS[2], lapsed)
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or '+inf'
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', oldest)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', oldest)`;
