import { execReplies, REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

import type { PoolEntry } from '../feed/ranking.util';
import { IDS_PER_COMMAND, readInChunks } from './read-in-chunks';
import {
  FORGET_UNTOUCHED_LUA,
  PUT_UNTOUCHED_FIELDS_LUA,
  SWAP_POOL_LUA,
  TOUCH_LUA,
} from './rebuild-scripts';
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
 * The fence of a write that keeps nothing an event did (a rebuild's fence is the version it read
 * before reading news: see `rebuildFence`).
 */
const KEEP_NO_EVENTS = Number.MAX_SAFE_INTEGER;

/** How long a pool being rebuilt may take before its scratch key expires (a rebuild that died). */
const SCRATCH_TTL_SECONDS = 600;

/**
 * The candidate pools in the state Redis: per channel a zset of approved article ids scored by
 * creation time, plus each article's channel and title tokens. The updater adds and removes
 * articles as news changes them; the refresher rebuilds it from the news service now and then.
 * Every change bumps a version, so the replicas reload their snapshots. An event also marks its
 * article touched at that version, and a rebuild's writes leave the articles touched after its
 * fence as the events put them (rebuild-scripts.ts).
 */
@Injectable()
export class CandidateIndex {
  constructor(@Inject(REDIS_STATE) private readonly state: Redis) {}

  /**
   * Adds or moves the article: out of every other channel's pool, whatever channel it was stored
   * under before.
   */
  async add(article: CandidateArticle): Promise<void> {
    const channels = await this.state.smembers(RecoKeys.channels());
    const multi = this.state.multi();
    for (const channel of new Set(channels.map(Number))) {
      if (channel !== article.channelId && channel !== ALL_CHANNELS)
        multi.zrem(RecoKeys.candidates(channel), article.id);
    }
    multi
      .zadd(RecoKeys.candidates(article.channelId), article.createdMs, article.id)
      .zadd(RecoKeys.candidates(ALL_CHANNELS), article.createdMs, article.id)
      .sadd(RecoKeys.channels(), article.channelId, ALL_CHANNELS)
      .hset(RecoKeys.articleChannels(), article.id, article.channelId)
      .hset(RecoKeys.articleTokens(), article.id, article.tokens.join(' '))
      .eval(TOUCH_LUA, 2, RecoKeys.candidatesVersion(), RecoKeys.touched(), article.id);
    await execReplies(multi);
  }

  async remove(articleId: string): Promise<void> {
    const channels = await this.state.smembers(RecoKeys.channels());
    const multi = this.state.multi();
    for (const channel of new Set([...channels.map(Number), ALL_CHANNELS]))
      multi.zrem(RecoKeys.candidates(channel), articleId);
    multi
      .hdel(RecoKeys.articleChannels(), articleId)
      .hdel(RecoKeys.articleTokens(), articleId)
      .eval(TOUCH_LUA, 2, RecoKeys.candidatesVersion(), RecoKeys.touched(), articleId);
    await execReplies(multi);
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
   * Read by a rebuild before it reads news: its writes leave the articles that events touch from
   * now on as the events put them.
   */
  async rebuildFence(): Promise<number> {
    return Number((await this.version()) ?? 0);
  }

  /** Forgets the touches up to `fence`, which a rebuild that began after them read anyway. */
  async forgetTouchesUpTo(fence: number): Promise<void> {
    await this.state.zremrangebyscore(RecoKeys.touched(), '-inf', fence);
  }

  /** Channels that have a pool; none until the first refresh (or event) built one. */
  async channelIds(): Promise<number[]> {
    return (await this.state.smembers(RecoKeys.channels())).map(Number);
  }

  /**
   * Replaces one channel's pool whole: it is written to a scratch key that one script swaps in,
   * so readers never see it half built; articles touched after `fence` keep their place.
   */
  async replaceChannel(
    channelId: number,
    entries: readonly PoolEntry[],
    fence = KEEP_NO_EVENTS,
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
      await this.state.eval(
        SWAP_POOL_LUA,
        4,
        scratch,
        RecoKeys.candidates(channelId),
        RecoKeys.touched(),
        RecoKeys.channels(),
        fence,
        channelId,
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

  /** Stores the articles' channels, except of those touched after `fence`. */
  putChannels(
    articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'channelId'>>,
    fence = KEEP_NO_EVENTS,
  ): Promise<void> {
    return this.putFields(
      RecoKeys.articleChannels(),
      articles.map((article) => [article.id, article.channelId]),
      fence,
    );
  }

  /** Stores the articles' title tokens, except of those touched after `fence`. */
  putTokens(
    articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'tokens'>>,
    fence = KEEP_NO_EVENTS,
  ): Promise<void> {
    return this.putFields(
      RecoKeys.articleTokens(),
      articles.map((article) => [article.id, article.tokens.join(' ')]),
      fence,
    );
  }

  /** Drops the channel and title tokens of articles no longer candidates, except those touched after `fence`. */
  async forgetArticles(ids: readonly string[], fence = KEEP_NO_EVENTS): Promise<void> {
    for (let start = 0; start < ids.length; start += IDS_PER_COMMAND) {
      await this.state.eval(
        FORGET_UNTOUCHED_LUA,
        3,
        RecoKeys.articleChannels(),
        RecoKeys.articleTokens(),
        RecoKeys.touched(),
        fence,
        ...ids.slice(start, start + IDS_PER_COMMAND),
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

  /** HSET of many fields but those of articles touched after `fence`, IDS_PER_COMMAND per script. */
  private async putFields(
    key: string,
    fields: ReadonlyArray<[string, string | number]>,
    fence: number,
  ): Promise<void> {
    for (let start = 0; start < fields.length; start += IDS_PER_COMMAND) {
      await this.state.eval(
        PUT_UNTOUCHED_FIELDS_LUA,
        2,
        key,
        RecoKeys.touched(),
        fence,
        ...fields.slice(start, start + IDS_PER_COMMAND).flat(),
      );
    }
  }
}
