import { execReplies, REDIS_STATE, RedisScript } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

import type { PoolEntry } from '../feed/ranking.util';
import { IDS_PER_COMMAND, readInChunks } from './read-in-chunks';
import { ADD_LUA, REMOVE_LUA, STALE, WRITTEN_IN_CHANNEL } from './job-scripts';
import { BEGIN_READING_LUA, END_READING_LUA, LAPSED, SUPERSEDED } from './reading-scripts';
import { FORGET_UNTOUCHED_LUA, PUT_UNTOUCHED_FIELDS_LUA, SWAP_POOL_LUA } from './rebuild-scripts';
import { RecoKeys } from './reco-keys';

/** An approved article as the candidate sets know it. */
export interface CandidateArticle {
  id: string;
  channelId: number;
  createdMs: number;
  tokens: string[];
}

/** Channel 0 holds the candidates of every channel. */
export const ALL_CHANNELS = 0;

/**
 * A reading of news whose writes go to the pools (a rebuild's, a job's), registered from before
 * it reads news until it ends; `stamp` orders it among the others and among the jobs' writes.
 */
export interface Reading {
  readonly id: string;
  readonly stamp: number;
}

/**
 * The writes that belong to no reading: they keep nothing a job did, and are never stale.
 */
export const NO_READING: Reading = { id: '', stamp: Number.MAX_SAFE_INTEGER };

/**
 * What a job's write did: nothing, since a job whose reading began later wrote the article
 * (stale); or put the article as its reading found it (an added article is in its channel's pool
 * unless that channel has none), which bumped the version to `version` if anything changed.
 */
export type JobWrite =
  | { written: false }
  | { written: true; inChannelPool: boolean; changed: false }
  | { written: true; inChannelPool: boolean; changed: true; version: number };

/**
 * A write of a reading that was taken for dead (no write for READING_LIFETIME_MS): what kept it
 * from undoing newer changes may be forgotten, so it wrote nothing. Read again.
 */
export class ReadingLapsedError extends Error {
  constructor() {
    super('The candidate pools were read from news too long ago to be written.');
    this.name = 'ReadingLapsedError';
  }
}

/**
 * A job's write whose reading began before a rebuild's: the rebuild read the article later and
 * puts it in place as it found it, unless a job begun after it does, so it wrote nothing. Read again.
 */
export class ReadingSupersededError extends Error {
  constructor() {
    super('A rebuild of the candidate pools read news after this reading began.');
    this.name = 'ReadingSupersededError';
  }
}

/** Who reads news to write the pools: a rebuild orders every job that began before it. */
export type ReadingKind = 'job' | 'rebuild';

/** How long a pool being rebuilt may take before its scratch key expires (a rebuild that died). */
const SCRATCH_TTL_SECONDS = 600;

/** ARGV of a reading's write: the reading's id and stamp, then the script's own. */
type ReadingWriteArgs = [readingId: string, stamp: number, ...rest: Array<string | number>];

const BEGIN_READING = new RedisScript<
  number,
  [stamps: string, readings: string, deadlines: string, rebuildStamp: string],
  [readingId: string, rebuild: '0' | '1']
>(BEGIN_READING_LUA);
const END_READING = new RedisScript<
  unknown,
  [readings: string, deadlines: string, touched: string, applied: string],
  [readingId: string]
>(END_READING_LUA);
/** The rebuild's writes (rebuild-scripts.ts) answer LAPSED when their reading was taken for dead. */
const SWAP_POOL = new RedisScript<number, string[], ReadingWriteArgs>(SWAP_POOL_LUA);
const FORGET_UNTOUCHED = new RedisScript<number, string[], ReadingWriteArgs>(FORGET_UNTOUCHED_LUA);
const PUT_UNTOUCHED_FIELDS = new RedisScript<number, string[], ReadingWriteArgs>(
  PUT_UNTOUCHED_FIELDS_LUA,
);
/** A job's write (job-scripts.ts): verdict, whether it changed anything, the version it bumped to. */
type JobScript = RedisScript<
  [verdict: number, changed: number, version: number],
  string[],
  ReadingWriteArgs
>;
const ADD: JobScript = new RedisScript(ADD_LUA);
const REMOVE: JobScript = new RedisScript(REMOVE_LUA);

/**
 * The candidate pools in the state Redis: per channel a zset of approved article ids scored by
 * creation time, plus each article's channel and title tokens. The updater adds and removes
 * articles as news changes them; the refresher rebuilds it from the news service now and then.
 * Every change bumps a version, so the replicas reload their snapshots. Each rebuild and each
 * job registers its reading of news first (`startReading`): a job's write marks its article
 * touched, a rebuild's writes leave the articles touched after its reading began as the jobs put
 * them (rebuild-scripts.ts), and a job does not write an article that a job whose reading began
 * later already wrote, nor anything once a rebuild began reading after it (job-scripts.ts).
 */
@Injectable()
export class CandidateIndex {
  constructor(@Inject(REDIS_STATE) private readonly state: Redis) {}

  /**
   * Registers a reading of news, before it reads: what it then writes is ordered after what began
   * before it (see the class). End it with `endReading`.
   */
  async startReading(kind: ReadingKind = 'job'): Promise<Reading> {
    const id = randomUUID();
    const stamp = await BEGIN_READING.run(
      this.state,
      [
        RecoKeys.stamps(),
        RecoKeys.readings(),
        RecoKeys.readingDeadlines(),
        RecoKeys.rebuildStamp(),
      ],
      [id, kind === 'rebuild' ? '1' : '0'],
    );
    return { id, stamp: Number(stamp) };
  }

  /** Ends the reading, and forgets what no reading still going can need. */
  async endReading(reading: Reading): Promise<void> {
    await END_READING.run(
      this.state,
      [RecoKeys.readings(), RecoKeys.readingDeadlines(), RecoKeys.touched(), RecoKeys.applied()],
      [reading.id],
    );
  }

  /**
   * A job's write of an approved article, as its reading found it: in channel 0's pool and its
   * channel's (only when a rebuild listed that channel: a job never makes a pool), out of every
   * other channel's, whatever channel it was stored under before. Bumps the version only if that
   * changed anything.
   */
  async add(article: CandidateArticle, reading: Reading = NO_READING): Promise<JobWrite> {
    const others = (await this.channelIds()).filter(
      (channel) => channel !== article.channelId && channel !== ALL_CHANNELS,
    );
    const keys = [
      RecoKeys.channels(),
      RecoKeys.articleChannels(),
      RecoKeys.articleTokens(),
      RecoKeys.candidates(ALL_CHANNELS),
      RecoKeys.candidates(article.channelId),
      ...[...new Set(others)].map((channel) => RecoKeys.candidates(channel)),
    ];
    return this.jobWrite(ADD, keys, reading, article.id, [
      article.channelId,
      article.createdMs,
      article.tokens.join(' '),
    ]);
  }

  /** A job's write of an article that is not approved (any more): out of every pool. */
  async remove(articleId: string, reading: Reading = NO_READING): Promise<JobWrite> {
    const channels = new Set([...(await this.channelIds()), ALL_CHANNELS]);
    const keys = [
      RecoKeys.articleChannels(),
      RecoKeys.articleTokens(),
      ...[...channels].map((channel) => RecoKeys.candidates(channel)),
    ];
    return this.jobWrite(REMOVE, keys, reading, articleId, []);
  }

  /** Tells the replicas that the pools changed (after a refresh). */
  async bumpVersion(): Promise<void> {
    await this.state.incr(RecoKeys.candidatesVersion());
  }

  /** Null until the pools first changed. */
  version(): Promise<string | null> {
    return this.state.get(RecoKeys.candidatesVersion());
  }

  /**
   * Whether a rebuild ever began on this Redis (it keeps its stamp for good): false on a state
   * Redis that lost its data, whose pools are gone whatever jobs wrote since.
   */
  async everRebuilt(): Promise<boolean> {
    return (await this.state.exists(RecoKeys.rebuildStamp())) === 1;
  }

  /** Channels that have a pool; none until the first refresh (or event) built one. */
  async channelIds(): Promise<number[]> {
    return (await this.state.smembers(RecoKeys.channels())).map(Number);
  }

  /**
   * Replaces one channel's pool whole: it is written to a scratch key that one script swaps in,
   * so readers never see it half built; articles touched after `reading` began keep their place.
   */
  async replaceChannel(
    channelId: number,
    entries: readonly PoolEntry[],
    reading: Reading = NO_READING,
  ): Promise<void> {
    const scratch = RecoKeys.candidatesScratch(channelId, randomUUID());
    try {
      for (let start = 0; start < entries.length; start += IDS_PER_COMMAND) {
        const chunk = entries.slice(start, start + IDS_PER_COMMAND);
        await execReplies(
          this.state
            .multi()
            .zadd(scratch, ...chunk.flatMap((entry) => [entry.createdMs, entry.id]))
            .expire(scratch, SCRATCH_TTL_SECONDS),
        );
      }
      refuseLapsed(
        await SWAP_POOL.run(
          this.state,
          [
            RecoKeys.readings(),
            RecoKeys.readingDeadlines(),
            scratch,
            RecoKeys.candidates(channelId),
            RecoKeys.touched(),
            RecoKeys.channels(),
          ],
          [reading.id, reading.stamp, channelId],
        ),
      );
    } catch (error) {
      await this.state.del(scratch).catch(() => undefined);
      throw error;
    }
  }

  /** Drops the pools of channels that are gone; true if there were any. */
  async retainChannels(channelIds: readonly number[]): Promise<boolean> {
    const keep = new Set(channelIds.map(String));
    const gone = (await this.state.smembers(RecoKeys.channels())).filter(
      (channel) => !keep.has(channel),
    );
    if (gone.length === 0) return false;
    const multi = this.state.multi().srem(RecoKeys.channels(), ...gone);
    for (const channel of gone) multi.del(RecoKeys.candidates(Number(channel)));
    await multi.exec();
    return true;
  }

  /** Ids that already have their title tokens stored. */
  async knownIds(): Promise<Set<string>> {
    return new Set(await this.state.hkeys(RecoKeys.articleTokens()));
  }

  /** The `TITLE_CUTTING` the stored title tokens were cut by; null before this was kept. */
  tokensCutting(): Promise<string | null> {
    return this.state.get(RecoKeys.articleTokensCutting());
  }

  /** Records that every stored title's tokens were cut by `cutting`. */
  async markTokensCut(cutting: string): Promise<void> {
    await this.state.set(RecoKeys.articleTokensCutting(), cutting);
  }

  /** Stores the articles' channels, except of those touched after `reading` began. */
  putChannels(
    articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'channelId'>>,
    reading: Reading = NO_READING,
  ): Promise<void> {
    return this.putFields(
      RecoKeys.articleChannels(),
      articles.map((article) => [article.id, article.channelId]),
      reading,
    );
  }

  /** Stores the articles' title tokens, except of those touched after `reading` began. */
  putTokens(
    articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'tokens'>>,
    reading: Reading = NO_READING,
  ): Promise<void> {
    return this.putFields(
      RecoKeys.articleTokens(),
      articles.map((article) => [article.id, article.tokens.join(' ')]),
      reading,
    );
  }

  /**
   * Drops the channel and title tokens of articles no longer candidates, except those touched
   * after `reading` began.
   */
  async forgetArticles(ids: readonly string[], reading: Reading = NO_READING): Promise<void> {
    for (let start = 0; start < ids.length; start += IDS_PER_COMMAND) {
      refuseLapsed(
        await FORGET_UNTOUCHED.run(
          this.state,
          [
            RecoKeys.readings(),
            RecoKeys.readingDeadlines(),
            RecoKeys.articleChannels(),
            RecoKeys.articleTokens(),
            RecoKeys.touched(),
          ],
          [reading.id, reading.stamp, ...ids.slice(start, start + IDS_PER_COMMAND)],
        ),
      );
    }
  }

  /** The newest `limit` candidates of a channel (after skipping `offset`), newest first. */
  async pool(channelId: number, limit: number, offset = 0): Promise<PoolEntry[]> {
    if (limit <= 0) return [];
    const flat = await this.state.zrevrange(
      RecoKeys.candidates(channelId),
      offset,
      offset + limit - 1,
      'WITHSCORES',
    );
    const entries: PoolEntry[] = [];
    for (let index = 0; index < flat.length; index += 2)
      entries.push({ id: flat[index], createdMs: Number(flat[index + 1]) });
    return entries;
  }

  /** Channel of each id (undefined for unknown ids). */
  channelsOf(ids: readonly string[]): Promise<Array<number | undefined>> {
    return readInChunks(ids, async (chunk) =>
      (await this.state.hmget(RecoKeys.articleChannels(), ...chunk)).map((value) =>
        value === null ? undefined : Number(value),
      ),
    );
  }

  /** Title tokens of each id (undefined for unknown ids). */
  tokensOf(ids: readonly string[]): Promise<Array<string[] | undefined>> {
    return readInChunks(ids, async (chunk) =>
      (await this.state.hmget(RecoKeys.articleTokens(), ...chunk)).map((value) =>
        value === null ? undefined : value.split(' ').filter(Boolean),
      ),
    );
  }

  /**
   * HSET of many fields but those of articles touched after `reading` began, IDS_PER_COMMAND per
   * script.
   */
  private async putFields(
    key: string,
    fields: ReadonlyArray<[string, string | number]>,
    reading: Reading,
  ): Promise<void> {
    for (let start = 0; start < fields.length; start += IDS_PER_COMMAND) {
      refuseLapsed(
        await PUT_UNTOUCHED_FIELDS.run(
          this.state,
          [RecoKeys.readings(), RecoKeys.readingDeadlines(), key, RecoKeys.touched()],
          [reading.id, reading.stamp, ...fields.slice(start, start + IDS_PER_COMMAND).flat()],
        ),
      );
    }
  }

  /** Runs a job's write script (job-scripts.ts) after its seven common keys. */
  private async jobWrite(
    script: JobScript,
    keys: readonly string[],
    reading: Reading,
    articleId: string,
    args: ReadonlyArray<string | number>,
  ): Promise<JobWrite> {
    const [verdict, changed, version] = await script.run(
      this.state,
      [
        RecoKeys.readings(),
        RecoKeys.readingDeadlines(),
        RecoKeys.stamps(),
        RecoKeys.applied(),
        RecoKeys.touched(),
        RecoKeys.candidatesVersion(),
        RecoKeys.rebuildStamp(),
        ...keys,
      ],
      [reading.id, reading.stamp, articleId, ...args],
    );
    refuseLapsed(verdict);
    if (verdict === SUPERSEDED) throw new ReadingSupersededError();
    if (verdict === STALE) return { written: false };
    const inChannelPool = verdict === WRITTEN_IN_CHANNEL;
    return changed === 1
      ? { written: true, inChannelPool, changed: true, version }
      : { written: true, inChannelPool, changed: false };
  }
}

function refuseLapsed(reply: unknown): void {
  if (reply === LAPSED) throw new ReadingLapsedError();
}
