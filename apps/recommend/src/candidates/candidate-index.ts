import { REDIS_STATE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { PoolEntry } from '../feed/ranking.util';
import { IDS_PER_COMMAND, readInChunks } from './read-in-chunks';
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
 * The candidate pools in the state Redis: per channel a zset of approved article ids scored by
 * creation time, plus each article's channel and title tokens. The updater adds and removes
 * articles as news changes them; the refresher rebuilds it from the news service now and then.
 * Every change bumps a version, so the replicas reload their snapshots.
 */
@Injectable()
export class CandidateIndex {
  constructor(@Inject(REDIS_STATE) private readonly state: Redis) {}

  /** Adds or moves the article (out of the pool of the channel it was stored under before). */
  async add(article: CandidateArticle): Promise<void> {
    const [previousChannel] = await this.channelsOf([article.id]);
    const multi = this.state.multi();
    if (previousChannel !== undefined && previousChannel !== article.channelId)
      multi.zrem(RecoKeys.candidates(previousChannel), article.id);
    await multi
      .zadd(RecoKeys.candidates(article.channelId), article.createdMs, article.id)
      .zadd(RecoKeys.candidates(ALL_CHANNELS), article.createdMs, article.id)
      .sadd(RecoKeys.channels(), article.channelId, ALL_CHANNELS)
      .hset(RecoKeys.articleChannels(), article.id, article.channelId)
      .hset(RecoKeys.articleTokens(), article.id, article.tokens.join(' '))
      .incr(RecoKeys.candidatesVersion())
      .exec();
  }

  async remove(articleId: string): Promise<void> {
    const channels = await this.state.smembers(RecoKeys.channels());
    const multi = this.state.multi();
    for (const channel of new Set([...channels.map(Number), ALL_CHANNELS]))
      multi.zrem(RecoKeys.candidates(channel), articleId);
    await multi
      .hdel(RecoKeys.articleChannels(), articleId)
      .hdel(RecoKeys.articleTokens(), articleId)
      .incr(RecoKeys.candidatesVersion())
      .exec();
  }

  /** Tells the replicas that the pools changed (after a refresh). */
  async bumpVersion(): Promise<void> {
    await this.state.incr(RecoKeys.candidatesVersion());
  }

  /** Null until the pools first changed. */
  version(): Promise<string | null> {
    return this.state.get(RecoKeys.candidatesVersion());
  }

  /** Channels that have a pool; none until the first refresh (or event) built one. */
  async channelIds(): Promise<number[]> {
    return (await this.state.smembers(RecoKeys.channels())).map(Number);
  }

  /** Replaces one channel's pool in one transaction, so readers never see it half built. */
  async replaceChannel(channelId: number, entries: readonly PoolEntry[]): Promise<void> {
    const key = RecoKeys.candidates(channelId);
    const multi = this.state.multi().del(key);
    if (entries.length > 0)
      multi.zadd(key, ...entries.flatMap((entry) => [entry.createdMs, entry.id]));
    await multi.sadd(RecoKeys.channels(), channelId).exec();
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

  putChannels(articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'channelId'>>): Promise<void> {
    return this.putFields(
      RecoKeys.articleChannels(),
      articles.map((article) => [article.id, article.channelId]),
    );
  }

  putTokens(articles: ReadonlyArray<Pick<CandidateArticle, 'id' | 'tokens'>>): Promise<void> {
    return this.putFields(
      RecoKeys.articleTokens(),
      articles.map((article) => [article.id, article.tokens.join(' ')]),
    );
  }

  async forgetArticles(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.state
      .multi()
      .hdel(RecoKeys.articleChannels(), ...ids)
      .hdel(RecoKeys.articleTokens(), ...ids)
      .exec();
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

  /** HSET of many fields, IDS_PER_COMMAND per command. */
  private async putFields(key: string, fields: ReadonlyArray<[string, string | number]>): Promise<void> {
    for (let start = 0; start < fields.length; start += IDS_PER_COMMAND)
      await this.state.hset(key, Object.fromEntries(fields.slice(start, start + IDS_PER_COMMAND)));
  }
}
