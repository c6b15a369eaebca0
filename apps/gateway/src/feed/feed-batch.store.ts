import { randomBytes } from 'node:crypto';

import {
  ApplyOnceScript,
  CacheKeys,
  REDIS_CACHE,
  RedisScript,
  sentAgainWhenAborted,
} from '@app/cache';
import { type AlgorithmCombine, algorithmFor } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

import type { FeedViewer } from './feed-viewer';

/** How long a viewer's batches (served and queued) are kept per channel. */
export const FEED_HISTORY_TTL_SECONDS = 24 * 3600;
/** Served batches kept for replays (scrolling down through older stamps). */
export const FEED_HISTORY_SIZE = 50;
/** Articles of the viewer's fallback pages kept, for the batches dealt after them to leave out. */
const FALLBACK_SHOWN_SIZE = 1_000;

/**
 * A batch as queued and as served: article ids and the exposure tracking string for them. A
 * batch of a cold-start run has none yet (`''`): the dealer makes it for the viewer.
 */
export interface QueuedBatch {
  ids: string[];
  exposure: string;
}

/**
 * What the stamp of a request gives: a fresh batch (stored under that stamp), a replay of the
 * stored batch at or before it, or `empty` when a fresh batch is due and none is queued (also when
 * what the viewer's fallback pages showed left nothing of the queue: the run drawn then deals).
 * `cursor` is the client's next `pre_timestamp`: the stamp + 1 for a fresh batch and for the
 * newest one replayed by its own stamp (see NEXT_BATCH_LUA), else the next older stamp (0 when
 * there is none). `continued`: the stamp is such a cursor of a batch served (one stored under the
 * stamp − 1), so the page goes on from that one. `lastQueued`: the fresh batch was the last one
 * queued, so the next fresh request needs a refill. `older` (a replay): the stamp is older than the
 * newest batch's and no cursor of a batch, so it may be a fallback page's time cursor too.
 * `coldIds` (with `lastQueued` and `empty`): the ids of the cold-start run this viewer was dealt
 * that the recommend service has not drawn for it yet, for the next run to leave out. `isNew`:
 * nothing was dealt to this viewer in this channel yet (nor within the history's TTL). `continued`
 * of `empty`: the stamp goes on from a batch served, so whatever answers it (a refill, or a
 * fallback page when that fails) must not be led by the pins.
 * `beforeHistory`: the stamp is older than the first batch served (within the history's TTL), so
 * none of this viewer's stamps (a fallback page's time cursor, or a history expired since).
 * `timeCursor` (fresh and replay): the stamp is the time cursor of a fallback page served to this
 * viewer (see `markTimeCursor`), so the page goes on from that one.
 */
export type NextBatch =
  | {
      kind: 'fresh';
      batch: QueuedBatch;
      cursor: number;
      continued: boolean;
      lastQueued: boolean;
      coldIds: string[];
      timeCursor?: boolean;
    }
  | {
      kind: 'replay';
      batch: QueuedBatch;
      cursor: number;
      continued: boolean;
      older: boolean;
      timeCursor?: boolean;
    }
  | { kind: 'beforeHistory' }
  | { kind: 'empty'; coldIds: string[]; isNew: boolean; continued: boolean };

/**
 * The timestamp rules of the original recommend centre (reference 4.3) over a viewer's queue,
 * in one atomic round trip, but for the cursor of a fresh batch. History members are
 * `<stamp>@<deal>:<batch json>` so equal batches stay distinct (`<stamp>@<deal>~:…` for one dealt
 * as going on from a page; `<deal>` names the call that dealt it, none in those stored before it
 * did); a fresh batch is stored under the request's own stamp, so a retried request (same stamp)
 * replays it instead of drawing another, while the call that dealt it, sent again by ioredis after
 * its reply was lost, answers it fresh as it first did (`deal`, see NEXT_BATCH).
 * A fresh batch dealt under stamp S answers cursor S + 1 where the original pointed back at the
 * batch served before it: toutiao-m follows that cursor while pages come, so it was dealt every
 * batch of its list again (A, B, A, C, B, A, …). S + 1 is newer than S, and a stamp whose stamp − 1
 * holds a batch is such a cursor (a clock's stamp all but never falls on one): it is dealt a fresh
 * batch whatever the newest stamp is, flagged as going on from a page (no pins lead it), also the
 * cursor toutiao-m keeps from before a pull-to-refresh (it does not take the refresh's). Asked for
 * again, the batch of such a stamp answers as it was dealt, also once the batch before it is
 * trimmed (the `~` tells). Other older stamps still replay, each
 * pointing at the one before it. A stamp older than every batch kept (the history keeps the newest
 * FEED_HISTORY_SIZE) but newer than the first one dealt (KEYS[6]) goes on too: the cursor of a
 * batch trimmed since, kept over as many refreshes (its own batch, the oldest, is not kept); the
 * batch dealt to it is kept, the next oldest trimmed in its place. A viewer new to the channel (no
 * history, no queue) that may cold-start (ARGV[4] = '1': a device, or a user without reading history) gets
 * the channel's published cold-start run (KEYS[3]) queued, and its ids (published in KEYS[4])
 * remembered (KEYS[5]): both copied inside Redis (COPY, Redis 6.2+), so the run's batches never
 * pass through the script. Each answer also tells whether the stamp is one of the time cursors of
 * the fallback pages served to the viewer (KEYS[7]). Every fresh batch dealt while the articles
 * those pages showed are kept (KEYS[8]) leaves them out, of the run queued then and of later ones
 * (recommend counts none of them as shown), each once (recommend counts it when it draws it), and
 * is kept so, for its replays to answer as it did; the ids queued after it fill it.
 */
const NEXT_BATCH_LUA = `
local deal = ''

-- The batch served under ARGV[1] answered as it was dealt: fresh, with whether the queue is now
-- empty and then the cold-start ids still to leave out.
local function dealt_again(served)
  local split = string.find(served, ':', 1, true)
  local flag = string.sub(served, split - 1, split - 1) == '~' and '1' or '0'
  local answer = {'fresh', string.sub(served, split + 1), string.format('%d', tonumber(ARGV[1]) + 1), '0', '', flag}
  if redis.call('LLEN', KEYS[2]) == 0 then
    answer[4] = '1'
    answer[5] = redis.call('GET', KEYS[5]) or ''
  end
  return answer
end

-- The batch served under the request's own stamp asked for again: \`replay\`, but for the call that
-- dealt it sent again (its reply lost), which answers it as it first did.
local function dealt_by_this(served)
  return deal ~= '' and string.match(served, '^[^:@]*@([^~:]*)') == deal
end

local function again(served, replay)
  if dealt_by_this(served) then return dealt_again(served) end
  return replay
end

-- The batch taken from the queue without what the viewer's fallback pages showed (KEYS[8]; no
-- such key, nothing read). Each id is left out once: recommend counted it as shown when it drew
-- the run, so a run holds it again only once the reader was shown the whole pool and starts over.
-- A batch trimmed so is filled with the ids queued after it, which move up the queue's batches
-- (each as long as it was, those left empty gone), so no page comes short while more is queued;
-- the batches rewritten lose their exposure, for the dealer to make one for their ids. Nothing
-- (nil) when no id of the batch or of the queue is left.
local function unshown(batch)
  if redis.call('EXISTS', KEYS[8]) == 0 then return batch end
  local ids, left_out, gone = {}, {}, {}
  local function keep(json)
    local listed = cjson.decode(json).ids or {}
    for _, id in ipairs(listed) do
      if not gone[id] and redis.call('ZSCORE', KEYS[8], id) then
        gone[id] = true
        left_out[#left_out + 1] = id
      else
        ids[#ids + 1] = id
      end
    end
    return #listed
  end
  local sizes = {keep(batch)}
  if #left_out == 0 then return batch end
  for _, json in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do sizes[#sizes + 1] = keep(json) end
  redis.call('ZREM', KEYS[8], unpack(left_out))
  redis.call('DEL', KEYS[2])
  local batches, from = {}, 1
  for _, size in ipairs(sizes) do
    if from > #ids then break end
    if size > 0 then
      local slot = {}
      for i = from, math.min(from + size - 1, #ids) do slot[#slot + 1] = ids[i] end
      from = from + size
      batches[#batches + 1] = cjson.encode({ids = slot, exposure = ''})
    end
  end
  if #batches > 1 then
    redis.call('RPUSH', KEYS[2], unpack(batches, 2))
    redis.call('EXPIRE', KEYS[2], ARGV[2])
  end
  return batches[1]
end

local function next_batch()
  local stamp = tonumber(ARGV[1])
  local after = string.format('%d', stamp + 1)
  local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local continued = redis.call('ZRANGEBYSCORE', KEYS[1], stamp - 1, stamp - 1, 'LIMIT', 0, 1)[1] ~= nil
  if continued then
    local dealt = redis.call('ZRANGEBYSCORE', KEYS[1], stamp, stamp, 'LIMIT', 0, 1)
    if dealt[1] then return again(dealt[1], {'replay', dealt[1], after, '', '', '1'}) end
  elseif newest[2] and stamp <= tonumber(newest[2]) then
    local found = redis.call('ZREVRANGEBYSCORE', KEYS[1], stamp, '-inf', 'WITHSCORES', 'LIMIT', 0, 2)
    if found[1] then
      -- A batch dealt as going on from a page, asked for by its own stamp again, goes on as it did
      -- also once the batch before it is trimmed.
      if tonumber(found[2]) == stamp and string.find(found[1], '^[^:]*~:') then
        return again(found[1], {'replay', found[1], after, '', '', '1'})
      end
      -- The newest batch asked for by its own stamp again (a retried request) answers as it was dealt.
      if tonumber(found[2]) == tonumber(newest[2]) then return again(found[1], {'replay', found[1], after}) end
      local replay = {'replay', found[1], found[4] or '0', '', '', '0', '1'}
      -- The call that dealt it, sent again once a newer stamp was dealt, answers as it first did too.
      if tonumber(found[2]) == stamp then return again(found[1], replay) end
      return replay
    end
    -- Older than the batches kept but newer than the first one dealt: the cursor of a batch
    -- trimmed from the history since, which toutiao-m keeps over refreshes. It goes on.
    local first = redis.call('GET', KEYS[6])
    if not first or stamp <= tonumber(first) then return {'beforeHistory'} end
    continued = true
  end
  local batch = redis.call('LPOP', KEYS[2])
  -- An empty list does not exist, so COPY fills the queue only when a run is published.
  if not batch and not newest[1] and ARGV[4] == '1' and redis.call('COPY', KEYS[3], KEYS[2]) == 1 then
    redis.call('EXPIRE', KEYS[2], ARGV[2])
    if redis.call('COPY', KEYS[4], KEYS[5]) == 0 then
      if redis.call('EXISTS', KEYS[5]) == 1 then
        -- Its ids kept without a history: the copy before was all left out (see below), and this
        -- one would deal what it left out. The viewer is not new: the dealer draws a run.
        redis.call('DEL', KEYS[2])
      else
        -- A run published without its ids (by an older publisher): read them from the batches.
        local decoded = {}
        for _, json in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
          for _, id in ipairs(cjson.decode(json).ids) do decoded[#decoded + 1] = id end
        end
        redis.call('SET', KEYS[5], table.concat(decoded, ','))
      end
    end
    redis.call('EXPIRE', KEYS[5], ARGV[2])
    batch = redis.call('LPOP', KEYS[2])
  end
  local flag = continued and '1' or '0'
  -- All of the queue left out: the dealer draws a run, as for an empty queue, and nothing is
  -- stored under the stamp (the run's first batch is dealt to it).
  if batch then
    batch = unshown(batch)
    -- Still no history: KEYS[5] stays ('' once a refill drew every cold id) to tell the viewer
    -- from a new one, whose cold-start copy would deal what was just left out.
    if not batch and not newest[1] then redis.call('SET', KEYS[5], '', 'NX', 'EX', ARGV[2]) end
  end
  if not batch then
    local cold = redis.call('GET', KEYS[5])
    return {'empty', cold or '', (newest[1] or cold) and '0' or '1', '', '', flag}
  end
  local member = ARGV[1] .. (deal ~= '' and '@' .. deal or '') .. (continued and '~' or '') .. ':' .. batch
  redis.call('ZADD', KEYS[1], stamp, member)
  local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
  if excess > 0 then
    -- One dealt to the cursor of a batch trimmed since is the oldest: the next oldest go instead.
    local from = redis.call('ZRANGE', KEYS[1], 0, 0)[1] == member and 1 or 0
    redis.call('ZREMRANGEBYRANK', KEYS[1], from, from + excess - 1)
  end
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  -- No batch is dealt under a stamp older than the first one's, so it stays the oldest.
  if redis.call('SET', KEYS[6], ARGV[1], 'NX', 'EX', ARGV[2]) == false then
    redis.call('EXPIRE', KEYS[6], ARGV[2])
  end
  if redis.call('LLEN', KEYS[2]) > 0 then return {'fresh', batch, after, '0', '', flag} end
  return {'fresh', batch, after, '1', redis.call('GET', KEYS[5]) or '', flag}
end

-- The answer, padded to seven fields, and whether the stamp is a fallback page's time cursor.
local function padded(answer)
  for i = #answer + 1, 7 do answer[i] = '' end
  answer[8] = redis.call('ZSCORE', KEYS[7], ARGV[1]) and '1' or '0'
  return answer
end

local function dealt_batch()
  return padded(next_batch())
end
`;

/**
 * Queues the batches given after the first six arguments and keeps ARGV[5] as the cold-start ids
 * still to leave out ('' forgets them); QUEUE_AND_NEXT_LUA then deals as NEXT_BATCH_LUA, named
 * ARGV[6].
 */
const QUEUE_LUA = `
if ARGV[5] == '' then redis.call('DEL', KEYS[5]) else redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[2]) end
if #ARGV > 6 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 7))
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
`;

const QUEUE_AND_NEXT_LUA = `${NEXT_BATCH_LUA}
deal = ARGV[6]
${QUEUE_LUA}
return dealt_batch()
`;

/**
 * QUEUE_AND_NEXT_LUA sent again after it applied: the batch it dealt under the stamp ARGV[1]
 * (named by it) answers fresh, as it was first answered (its exposure, whether the queue is now
 * empty and then the cold-start ids still to leave out); with none there (it replayed or dealt
 * nothing), it answers as NEXT_BATCH_LUA, so a batch another call dealt to the stamp first (a
 * refill of another replica) replays, as it did. Read back: keeping each refill's reply would cost
 * a key a refill.
 */
const QUEUE_AND_NEXT_REPLAY_LUA = `${NEXT_BATCH_LUA}
deal = ARGV[6]
local served = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)[1]
if served and dealt_by_this(served) then return padded(dealt_again(served)) end
return dealt_batch()
`;

/**
 * Moves up to ARGV[2] ids from the end of the queue (the run's last batches, so the batches dealt
 * next stay whole) into the batch served under the stamp ARGV[1], so its replays answer them too.
 * What is left of a batch cut is queued without its exposure string, which the dealer makes for
 * the ids it holds when it deals it, and the queue is kept ARGV[3] seconds from then. Answers the
 * ids moved (joined), whether the queue is now empty, and then the cold-start ids still to leave
 * out (as a fresh batch does).
 */
const TOP_UP_LUA = `
local served = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)[1]
if not served then return {''} end
local want = tonumber(ARGV[2])
local taken = {}
-- What the viewer's fallback pages showed (KEYS[8]) is taken off the queue but not into the batch,
-- and left out once (see unshown).
local leave_out = redis.call('EXISTS', KEYS[8]) == 1
local left_out = {}
while #taken < want do
  local json = redis.call('RPOP', KEYS[2])
  if not json then break end
  local ids = cjson.decode(json).ids or {}
  local keep = math.max(#ids - (want - #taken), 0)
  for i = keep + 1, #ids do
    if leave_out and redis.call('ZSCORE', KEYS[8], ids[i]) then
      left_out[#left_out + 1] = ids[i]
    else
      taken[#taken + 1] = ids[i]
    end
  end
  if keep > 0 then
    local rest = {}
    for i = 1, keep do rest[i] = ids[i] end
    redis.call('RPUSH', KEYS[2], cjson.encode({ids = rest, exposure = ''}))
    -- The RPOP may have emptied the queue, so this RPUSH made a new key, without a TTL.
    redis.call('EXPIRE', KEYS[2], ARGV[3])
  end
end
if #left_out > 0 then redis.call('ZREM', KEYS[8], unpack(left_out)) end
if #taken == 0 then return {''} end
local split = string.find(served, ':', 1, true)
local batch = cjson.decode(string.sub(served, split + 1))
local ids = {}
for _, id in ipairs(batch.ids or {}) do ids[#ids + 1] = id end
for _, id in ipairs(taken) do ids[#ids + 1] = id end
batch.ids = ids
redis.call('ZREM', KEYS[1], served)
redis.call('ZADD', KEYS[1], ARGV[1], string.sub(served, 1, split) .. cjson.encode(batch))
if redis.call('LLEN', KEYS[2]) > 0 then return {table.concat(taken, ','), '0', ''} end
return {table.concat(taken, ','), '1', redis.call('GET', KEYS[5]) or ''}
`;

type FeedKeys = [
  history: string,
  queue: string,
  coldStart: string,
  coldStartIds: string,
  coldIds: string,
  firstStamp: string,
  timeCursors: string,
  fallbackShown: string,
];

type QueueArgs = [
  stamp: string,
  ttl: number,
  size: number,
  coldStart: string,
  coldIds: string,
  deal: string,
  ...batches: string[],
];

/**
 * How long a top-up's answer is kept for ioredis to have it again, when it sends the call again
 * after a lost reply (see ApplyOnceScript): by then the request has its answer or has failed.
 */
const KEPT_TOP_UP_TTL_S = 60;

type NextBatchArgs = [stamp: string, ttl: number, size: number, coldStart: string, deal: string];

/**
 * Dealing needs no mark: each call names itself (ARGV[5], kept with the batch it deals), so sent
 * again after Redis dealt, it finds its stamp holding the batch it dealt and answers it fresh, as
 * it first did, with its exposure (the first answer, lost, had it); another call of that stamp (a
 * retried request, whose first answer was served) replays it.
 */
const NEXT_BATCH = new RedisScript<string[], FeedKeys, NextBatchArgs>(
  `${NEXT_BATCH_LUA}\ndeal = ARGV[5]\nreturn dealt_batch()`,
);

/** Names each deal of this process: a random prefix (one per process) and a count. */
const dealNames = { process: randomBytes(4).toString('hex'), taken: 0 };
const nextDealName = (): string => `${dealNames.process}${(dealNames.taken++).toString(36)}`;
/**
 * The writes that queue or take queued ids apply once: sent again, a run would be queued twice
 * (its pages dealt again) and a top-up would take as many more ids, those of the first kept with
 * the batch but never shown. One sent again answers as it first did.
 */
const QUEUE_AND_NEXT = new ApplyOnceScript<string[], FeedKeys, QueueArgs>({
  apply: QUEUE_AND_NEXT_LUA,
  replay: QUEUE_AND_NEXT_REPLAY_LUA,
});
const QUEUE = new ApplyOnceScript<null, FeedKeys, QueueArgs>({
  apply: QUEUE_LUA,
  replay: 'return nil',
});
const TOP_UP = new ApplyOnceScript<string[], FeedKeys, [stamp: string, count: number, ttl: number]>(
  {
    apply: TOP_UP_LUA,
    // Its answer gone, the ids it moved stay with the batch for its replays.
    replay: "return {''}",
    refused: "reply[1] == ''",
    keepReplyS: KEPT_TOP_UP_TTL_S,
  },
);

/**
 * Ids moved into a batch served (see TOP_UP_LUA). `lastQueued`: that emptied the queue, so the
 * next fresh request needs a refill; `coldIds` as with a fresh batch.
 */
export interface TopUp {
  ids: string[];
  lastQueued: boolean;
  coldIds: string[];
}

/**
 * Per viewer and channel on the cache Redis: the queue of batches drawn ahead from the recommend
 * service and the history of batches served. Losing either only means asking the recommend
 * service again.
 */
@Injectable()
export class FeedBatchStore {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** The next batch by the stamp; a viewer new to the channel starts cold when `coldStart` says so. */
  async next(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    coldStart: boolean,
  ): Promise<NextBatch> {
    const args: NextBatchArgs = [
      String(stamp),
      FEED_HISTORY_TTL_SECONDS,
      FEED_HISTORY_SIZE,
      coldStart ? '1' : '0',
      nextDealName(),
    ];
    // Aborted, it is sent again and answers what Redis dealt (see NEXT_BATCH), where the request
    // drew from the recommend service and the batch dealt went unshown.
    return parseNext(
      await sentAgainWhenAborted(() => NEXT_BATCH.run(this.redis, keysOf(viewer, channelId), args)),
    );
  }

  /**
   * Queues batches drawn ahead (oldest first), keeps `coldIds` as the cold-start ids still to
   * leave out, and deals the next batch, in the same round trip.
   */
  async queueAndNext(
    viewer: FeedViewer,
    channelId: number,
    stamp: number,
    batches: readonly QueuedBatch[],
    coldIds: readonly string[] = [],
  ): Promise<NextBatch> {
    return parseNext(
      await QUEUE_AND_NEXT.run(
        this.redis,
        keysOf(viewer, channelId),
        queueArgs(stamp, batches, coldIds),
      ),
    );
  }

  /**
   * Adds up to `count` queued ids to the batch served under `stamp` (in place of articles
   * withdrawn since it was queued); none when nothing is queued or no batch was served under it.
   */
  async topUp(viewer: FeedViewer, channelId: number, stamp: number, count: number): Promise<TopUp> {
    const [ids, lastQueued, coldIds] = await TOP_UP.run(this.redis, keysOf(viewer, channelId), [
      String(stamp),
      count,
      FEED_HISTORY_TTL_SECONDS,
    ]);
    return { ids: idList(ids), lastQueued: lastQueued === '1', coldIds: idList(coldIds) };
  }

  /** The ids of the batches served to the viewer (those kept for replays) and of those queued. */
  async dealtIds(viewer: FeedViewer, channelId: number): Promise<Set<string>> {
    const [history, queue] = keysOf(viewer, channelId);
    const [served, queued] = await Promise.all([
      this.redis.zrange(history, 0, -1),
      this.redis.lrange(queue, 0, -1),
    ]);
    return new Set([
      ...served.flatMap((member) => parseServed(member).ids),
      ...queued.flatMap((json) => parseBatch(json).ids),
    ]);
  }

  /**
   * Remembers `cursor` as the time cursor of a fallback page served to the viewer (the newest
   * FEED_HISTORY_SIZE, for the history's TTL), for `next` to tell when it comes back, and the
   * articles `shown` on it (the newest FALLBACK_SHOWN_SIZE, for as long), for the fresh batches and
   * top-ups dealt after it to leave out, each once.
   */
  async markTimeCursor(
    viewer: FeedViewer,
    channelId: number,
    cursor: number,
    shown: readonly string[] = [],
  ): Promise<void> {
    const keys = keysOf(viewer, channelId);
    const [cursors, shownKey] = [keys[6], keys[7]];
    const now = Date.now();
    const transaction = this.redis
      .multi()
      .zadd(cursors, now, String(cursor))
      .zremrangebyrank(cursors, 0, -(FEED_HISTORY_SIZE + 1))
      .expire(cursors, FEED_HISTORY_TTL_SECONDS);
    if (shown.length > 0) {
      transaction
        .zadd(shownKey, ...shown.flatMap((id) => [now, id]))
        .zremrangebyrank(shownKey, 0, -(FALLBACK_SHOWN_SIZE + 1))
        .expire(shownKey, FEED_HISTORY_TTL_SECONDS);
    }
    await transaction.exec();
  }

  /** Queues batches drawn ahead (oldest first) and keeps `coldIds` as `queueAndNext` does, dealing none. */
  async queue(
    viewer: FeedViewer,
    channelId: number,
    batches: readonly QueuedBatch[],
    coldIds: readonly string[],
  ): Promise<void> {
    await QUEUE.run(this.redis, keysOf(viewer, channelId), queueArgs(0, batches, coldIds));
  }
}

function queueArgs(
  stamp: number,
  batches: readonly QueuedBatch[],
  coldIds: readonly string[],
): QueueArgs {
  return [
    String(stamp),
    FEED_HISTORY_TTL_SECONDS,
    FEED_HISTORY_SIZE,
    // A refill comes after a first batch: nothing is new any more.
    '0',
    coldIds.join(','),
    nextDealName(),
    ...batches.map((batch) => JSON.stringify(batch)),
  ];
}

function parseNext([
  kind,
  member,
  cursor,
  lastQueued,
  coldIds,
  continued,
  older,
  timeCursor,
]: string[]): NextBatch {
  const marked = timeCursor === '1' ? { timeCursor: true } : {};
  if (kind === 'empty') {
    return {
      kind: 'empty',
      coldIds: idList(member),
      isNew: cursor === '1',
      continued: continued === '1',
    };
  }
  if (kind === 'beforeHistory') return { kind };
  if (kind === 'fresh') {
    return {
      kind,
      batch: parseBatch(member),
      cursor: Number(cursor),
      continued: continued === '1',
      lastQueued: lastQueued === '1',
      coldIds: idList(coldIds),
      ...marked,
    };
  }
  return {
    kind: 'replay',
    batch: parseServed(member),
    cursor: Number(cursor),
    continued: continued === '1',
    older: older === '1',
    ...marked,
  };
}

const idList = (joined: string | undefined): string[] => (joined ? joined.split(',') : []);

/** A/B algorithms of recent viewers: one md5 per viewer rather than per request. */
const viewerAlgorithms = new LRUCache<string, AlgorithmCombine>({ max: 100_000 });

/** The viewer's A/B algorithm (md5 of the id the recommend service is called with). */
export function algorithmOfViewer(viewer: FeedViewer): AlgorithmCombine {
  let algorithm = viewerAlgorithms.get(viewer.id);
  if (algorithm === undefined) {
    algorithm = algorithmFor(viewer.id);
    viewerAlgorithms.set(viewer.id, algorithm);
  }
  return algorithm;
}

function keysOf(viewer: FeedViewer, channelId: number): FeedKeys {
  const base = `feed:${viewer.kind}:${viewer.id}:${channelId}`;
  const algorithm = algorithmOfViewer(viewer);
  return [
    `${base}:history`,
    `${base}:queue`,
    CacheKeys.feedColdStart(channelId, algorithm),
    CacheKeys.feedColdStartIds(channelId, algorithm),
    `${base}:cold`,
    `${base}:first`,
    `${base}:fallback`,
    `${base}:fallback-shown`,
  ];
}

const EMPTY_BATCH: QueuedBatch = { ids: [], exposure: '' };

/** A history member, `<stamp>[@<deal>][~]:<batch json>`. */
function parseServed(member: string): QueuedBatch {
  return parseBatch(member.slice(member.indexOf(':') + 1));
}

function parseBatch(json: string): QueuedBatch {
  if (!json) return EMPTY_BATCH;
  const value = JSON.parse(json) as Partial<QueuedBatch>;
  return {
    ids: Array.isArray(value.ids) ? value.ids.map(String) : [],
    exposure: String(value.exposure ?? ''),
  };
}
