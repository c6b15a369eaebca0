import { ApplyOnceScript, execReplies, REDIS_STATE, StateKeys } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { RecoKeys } from '../candidates/reco-keys';
import type { RecommendConfig } from '../config/recommend.config';
import {
  askedAhead,
  decodeBatch,
  type DrawnBatch,
  drawnBatchOf,
  encodeBatch,
  type StoredBatch,
} from './batch-plan.util';
import { packPrints, PRINT_BYTES, ShownArticles } from './exposure-prints';

export interface ReaderHistory {
  /**
   * Newest first: the newest stored batch, then the two at or before the request's stamp (what
   * `planBatch` needs of the history, without reading all of it).
   */
  batches: StoredBatch[];
  /**
   * The batch this request's stamp drew when it was stored at another stamp (`StoredBatch.asked`),
   * looked up by that stamp: a request sent again replays it however many were drawn after it.
   */
  drawn?: DrawnBatch;
  exposed: ShownArticles;
  /** Ids of the articles a signed-in user read, newest first; empty for anonymous readers. */
  read: string[];
  /** The newest stored batch as stored ('' for none): a record lands only while it still is. */
  newest: string;
}

/** How a batch to record was drawn. */
export interface BatchDraw {
  /** The pool ran out: the exposures start over with this batch. */
  restart: boolean;
  /** `ReaderHistory.newest` of the reading it was drawn from. */
  newest: string;
  /**
   * The most candidates the reader's batches in the channel can be drawn from: its pool, and in
   * channel 0 for a signed-in reader also three full channel pools, whichever channels they read
   * most (it must not shrink with their reading, or prints of articles still unseen in the pool
   * would be dropped before it runs out).
   */
  poolSize: number;
}

/**
 * Records a served batch (KEYS[1], ARGV[1] its stamp, ARGV[2] the batch, ARGV[3] how many to keep)
 * and its exposures' prints (ARGV[6], appended to KEYS[2]), both under the TTL (ARGV[4]). A batch
 * stored below the stamp asked (ARGV[9], '' otherwise, see `askedAhead`) is kept by it in KEYS[5]
 * under the TTL; past twice ARGV[3] entries, those of batches no longer kept are dropped (one walk
 * of at most twice ARGV[3] entries per ARGV[3] such batches, none for the others). ARGV[5]
 * = '1' empties the exposures first, the older sets of them (KEYS[3], KEYS[4]) included. Prints
 * beyond the newest ARGV[7] bytes are dropped. Writes nothing and answers 0 when the newest
 * stored batch is no longer ARGV[8] (another request of the reader recorded one since it was read).
 * A call sent again after Redis recorded it answers 1 again: refused as if another request had
 * recorded first, the request would read the batch as the newest, replay it without its exposure
 * and so draw past it, its articles counted as shown and never answered.
 */
const RECORD = new ApplyOnceScript<
  number,
  [batches: string, shown: string, seen: string, exposedBefore: string, askedStamps: string],
  [
    stamp: number,
    batch: string,
    size: number,
    ttl: number,
    restart: string,
    prints: Buffer,
    keepBytes: number,
    newest: string,
    asked: string,
  ]
>({
  apply: `
local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0)[1] or ''
if newest ~= ARGV[8] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[4])
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[5], ARGV[9], ARGV[1])
  redis.call('EXPIRE', KEYS[5], ARGV[4])
  if redis.call('HLEN', KEYS[5]) > 2 * tonumber(ARGV[3]) then
    local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
    local entries = redis.call('HGETALL', KEYS[5])
    local gone = {}
    for i = 1, #entries, 2 do
      if tonumber(entries[i + 1]) < oldest then gone[#gone + 1] = entries[i] end
    end
    if #gone > 0 then redis.call('HDEL', KEYS[5], unpack(gone)) end
  end
end
if ARGV[5] == '1' then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
if #ARGV[6] > 0 then
  local length = redis.call('APPEND', KEYS[2], ARGV[6])
  local keep = tonumber(ARGV[7])
  if length > keep then redis.call('SET', KEYS[2], redis.call('GETRANGE', KEYS[2], length - keep, -1)) end
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`,
  replay: 'return 1',
  refused: 'reply == 0',
});

/**
 * Per reader and channel: the articles shown (exposures, four bytes each) and the batches served
 * (for replays). The exposures keep the newest prints of twice `BatchDraw.poolSize` (at least
 * twice RECO_CANDIDATES_PER_CHANNEL): a reader who never runs out of them (new articles keep
 * coming) does not grow them for as long as they keep reading.
 */
@Injectable()
export class FeedHistoryStore {
  constructor(
    @Inject(REDIS_STATE) private readonly state: Redis,
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      'RECO_BATCH_HISTORY_SIZE' | 'RECO_HISTORY_TTL_SECONDS' | 'RECO_CANDIDATES_PER_CHANNEL'
    >,
  ) {}

  /**
   * Everything a request with `stamp` needs about its reader in one round trip: the batches that
   * decide fresh or replay (see `ReaderHistory.batches`), the exposures, and for a signed-in user
   * the reading history (newest first). A second one, rare, reads the batch the stamp drew when
   * two or more were stored after it (`ReaderHistory.drawn`).
   */
  async read(
    reader: string,
    channelId: number,
    stamp: number,
    userId?: string,
  ): Promise<ReaderHistory> {
    const batchesKey = RecoKeys.batches(reader, channelId);
    const pipeline = this.state
      .pipeline()
      .zrevrange(batchesKey, 0, 0)
      .zrevrangebyscore(batchesKey, stamp, '-inf', 'LIMIT', 0, 2)
      .hget(RecoKeys.askedStamps(reader, channelId), String(stamp))
      .getBuffer(RecoKeys.shown(reader, channelId))
      .smembers(RecoKeys.seen(reader, channelId))
      .zrange(RecoKeys.exposedBefore(reader, channelId), 0, -1);
    if (userId !== undefined) pipeline.zrevrange(StateKeys.readingHistory(userId), 0, -1);
    const [newest, atOrBefore, storedAt, shown, seen, seenBefore, read = []] = (await execReplies(
      pipeline,
    )) as [string[], string[], string | null, Buffer | null, string[], string[], string[]?];
    return {
      batches: decodeAll([...new Set([...newest, ...atOrBefore])]),
      drawn:
        storedAt !== null && /^\d+$/.test(storedAt) && Number(storedAt) < stamp
          ? await this.drawnBatch(batchesKey, stamp, Number(storedAt), decodeAll(atOrBefore))
          : undefined,
      exposed: new ShownArticles(shown, seenBefore.length > 0 ? [...seen, ...seenBefore] : seen),
      read,
      newest: newest[0] ?? '',
    };
  }

  /** The batch `asked` drew, stored at `storedAt`: read again unless the first at or before `asked`. */
  private async drawnBatch(
    batchesKey: string,
    asked: number,
    storedAt: number,
    atOrBefore: StoredBatch[],
  ): Promise<DrawnBatch | undefined> {
    const around =
      atOrBefore[0]?.stamp === storedAt && atOrBefore[0].asked === asked
        ? atOrBefore
        : decodeAll(
            // Three: a stamp may hold two batches (see `cursorAfter`), and the one before them.
            await this.state.zrevrangebyscore(batchesKey, storedAt, '-inf', 'LIMIT', 0, 3),
          );
    return drawnBatchOf(asked, storedAt, around);
  }

  /**
   * Records a served batch and its exposures in one script call. `restart` empties the exposures
   * first (the pool ran out), so they start over with this batch. False, with nothing written,
   * when the newest stored batch is no longer `newest` as `read` found it: the batch was drawn
   * without the exposures recorded since.
   */
  async record(
    reader: string,
    channelId: number,
    batch: StoredBatch,
    { restart, newest, poolSize }: BatchDraw,
  ): Promise<boolean> {
    const recorded = await RECORD.run(
      this.state,
      [
        RecoKeys.batches(reader, channelId),
        RecoKeys.shown(reader, channelId),
        RecoKeys.seen(reader, channelId),
        RecoKeys.exposedBefore(reader, channelId),
        RecoKeys.askedStamps(reader, channelId),
      ],
      [
        batch.stamp,
        encodeBatch(batch),
        this.config.RECO_BATCH_HISTORY_SIZE,
        this.config.RECO_HISTORY_TTL_SECONDS,
        restart ? '1' : '0',
        packPrints(batch.ids),
        2 * Math.max(poolSize, this.config.RECO_CANDIDATES_PER_CHANNEL) * PRINT_BYTES,
        newest,
        String(askedAhead(batch) ?? ''),
      ],
    );
    return recorded === 1;
  }
}

function decodeAll(members: readonly string[]): StoredBatch[] {
  return members.flatMap((member) => decodeBatch(member) ?? []);
}
