import { APP_CONFIG, errorMessage, PeriodicTask } from '@app/config';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import type { RecommendConfig } from '../config/recommend.config';
import { exposurePrint, type PrintedEntry } from '../feed/exposure-prints';
import { PopularityReader } from '../feed/popularity.reader';
import type { Popularity, RankInput } from '../feed/ranking.util';
import {
  ALL_CHANNELS,
  type CandidateArticle,
  CandidateIndex,
  NO_READING,
  type Reading,
} from './candidate-index';

/** A candidate with everything ranking, exposures and related articles need. */
export interface SnapshotEntry extends RankInput, PrintedEntry {
  tokens: readonly string[];
}

const NO_POPULARITY: Popularity = { likes: 0, comments: 0, collections: 0, reads: 0 };

/**
 * This process's copy of the candidate pools (newest first), so requests rank without reading
 * Redis, which stays the shared truth. It reloads after this replica refreshed the pools and,
 * every RECO_SNAPSHOT_INTERVAL_MS, when the version bumped by another replica has changed.
 */
@Injectable()
export class CandidateSnapshot implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CandidateSnapshot.name);
  private pools = new Map<number, SnapshotEntry[]>();
  private articles = new Map<string, SnapshotEntry>();
  private built = false;
  /** The candidate version the pools were loaded at; undefined before the first load. */
  private loadedVersion: string | null | undefined;
  /** Stamps of loads and of this copy's own changes, in the order they began. */
  private stampsIssued = 0;
  /** The stamp of the newest load or own change applied: an older load must not replace it. */
  private newestApplied = 0;
  private poolChanges = 0;
  private popularityChanges = 0;
  private syncing = false;
  private pendingLoad: Promise<void> | undefined;
  private readonly syncs = new PeriodicTask(() => this.sync());

  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      'RECO_SNAPSHOT_INTERVAL_MS' | 'RECO_CANDIDATES_PER_CHANNEL' | 'RECO_RANK_WINDOW'
    >,
    private readonly index: CandidateIndex,
    private readonly popularity: PopularityReader,
  ) {}

  onApplicationBootstrap(): void {
    this.syncs.runNowAndEvery(this.config.RECO_SNAPSHOT_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.syncs.stop();
  }

  /** Changes with the pools, channels or title words, so answers derived from them know when to drop. */
  get poolsGeneration(): number {
    return this.poolChanges;
  }

  /** Changes with anything, popularity included. */
  get generation(): number {
    return this.poolChanges + this.popularityChanges;
  }

  /** The channels with a pool (0, all channels, included). */
  channelIds(): number[] {
    return [...this.pools.keys()];
  }

  /** A channel's candidates, newest first. */
  pool(channelId: number): ReadonlyArray<Readonly<SnapshotEntry>> {
    return this.pools.get(channelId) ?? [];
  }

  article(id: string): Readonly<SnapshotEntry> | undefined {
    return this.articles.get(id);
  }

  /**
   * False while no pool was ever built (a rebuild's pools count once it bumped the version). Until
   * this copy has seen them built it asks Redis again (one load shared by concurrent requests), so
   * requests right after boot or after the first refresh elsewhere do not fail for nothing.
   */
  async ready(): Promise<boolean> {
    if (!this.built) {
      this.pendingLoad ??= this.reload().finally(() => (this.pendingLoad = undefined));
      await this.pendingLoad;
    }
    return this.built;
  }

  /** One interval: reload when the version changed, otherwise re-read popularity only. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      if ((await this.index.version()) !== this.loadedVersion) await this.reload();
      else await this.refreshPopularity();
    } catch (error) {
      this.logger.warn(`candidate snapshot not updated: ${errorMessage(error)}`);
    } finally {
      this.syncing = false;
    }
  }

  /** Reads every pool with its articles' channels, title tokens and popularity. */
  async reload(): Promise<void> {
    const load = ++this.stampsIssued;
    const [version, channelIds] = await Promise.all([
      this.index.version(),
      this.index.channelIds(),
    ]);
    const pools = await Promise.all(
      channelIds.map((channelId) =>
        this.index.pool(channelId, this.poolLimit(channelId, channelIds.length)),
      ),
    );
    const createdMs = new Map(pools.flat().map((entry) => [entry.id, entry.createdMs]));
    const ids = [...createdMs.keys()];
    const [channels, tokens, popularity] = await Promise.all([
      this.index.channelsOf(ids),
      this.index.tokensOf(ids),
      this.popularity.read(ids),
    ]);
    // A slower, older load must not replace what a newer one or an own change applied.
    if (load < this.newestApplied) return;
    this.newestApplied = load;

    const articles = new Map<string, SnapshotEntry>();
    ids.forEach((id, index) =>
      articles.set(id, {
        id,
        print: exposurePrint(id),
        createdMs: createdMs.get(id) ?? 0,
        channelId: channels[index],
        tokens: tokens[index] ?? [],
        popularity: popularity[index],
      }),
    );
    this.articles = articles;
    this.pools = new Map(
      channelIds.map((channelId, index) => [
        channelId,
        pools[index].flatMap((entry) => articles.get(entry.id) ?? []),
      ]),
    );
    // A rebuild swaps the pools in one channel at a time and bumps the version once all are in:
    // before that first bump an answer from them (an empty one) would be taken for the real one.
    this.built = version !== null && channelIds.length > 0;
    this.loadedVersion = version;
    this.poolChanges += 1;
  }

  /**
   * Whether this copy holds the pools at the version Redis has now; when it is behind, loads them
   * first (what is published from it must not be older than what another replica published).
   */
  async catchUp(): Promise<boolean> {
    if (!(await this.isCurrent())) await this.reload();
    return this.isCurrent();
  }

  /** Whether this copy holds the pools at the version Redis has now. */
  async isCurrent(): Promise<boolean> {
    return (await this.index.version()) === this.loadedVersion;
  }

  /**
   * The hook for an approved article: Redis first (other replicas follow), then this copy. False
   * when it was not written (a refresh that began reading later wrote the article first).
   */
  async add(article: CandidateArticle, reading: Reading = NO_READING): Promise<boolean> {
    const write = await this.index.add(article, reading);
    if (!write.written) return false;
    if (write.changed) this.appliedOwnChange(write.version);
    const channels = write.inChannelPool ? [article.channelId, ALL_CHANNELS] : [ALL_CHANNELS];
    if (!write.changed && this.holds(article, channels)) return true;
    const popularity = this.articles.get(article.id)?.popularity ?? NO_POPULARITY;
    this.forget(article.id);
    const entry: SnapshotEntry = { ...article, print: exposurePrint(article.id), popularity };
    for (const channelId of new Set(channels)) {
      const pool = insertNewestFirst(this.pools.get(channelId) ?? [], entry);
      this.pools.set(channelId, pool.slice(0, this.poolLimit(channelId, this.pools.size)));
    }
    this.articles.set(entry.id, entry);
    this.built = true;
    this.poolChanges += 1;
    return true;
  }

  /** The hook for a banned or deleted article; false when it was not written (as for `add`). */
  async remove(articleId: string, reading: Reading = NO_READING): Promise<boolean> {
    const write = await this.index.remove(articleId, reading);
    if (!write.written) return false;
    if (write.changed) this.appliedOwnChange(write.version);
    if (!write.changed && !this.articles.has(articleId)) return true;
    this.forget(articleId);
    this.poolChanges += 1;
    return true;
  }

  /**
   * How many candidates of a channel this copy keeps: RECO_CANDIDATES_PER_CHANNEL, and for channel
   * 0 also the newest RECO_RANK_WINDOW of each other pool (`everyChannel`).
   */
  private poolLimit(channelId: number, pools: number): number {
    const limit = this.config.RECO_CANDIDATES_PER_CHANNEL;
    return channelId === ALL_CHANNELS
      ? limit + this.config.RECO_RANK_WINDOW * Math.max(pools - 1, 0)
      : limit;
  }

  /** Whether this copy already has the article as given, in exactly `channels`' pools. */
  private holds(article: CandidateArticle, channels: readonly number[]): boolean {
    const known = this.articles.get(article.id);
    if (
      !known ||
      known.channelId !== article.channelId ||
      known.createdMs !== article.createdMs ||
      known.tokens.join(' ') !== article.tokens.join(' ')
    )
      return false;
    return (
      channels.every((channelId) => this.pools.has(channelId)) &&
      [...this.pools].every(
        ([channelId, pool]) =>
          pool.some((entry) => entry.id === article.id) === channels.includes(channelId),
      )
    );
  }

  /** Runs every RECO_SNAPSHOT_INTERVAL_MS, so popularity in the snapshot is up to that stale. */
  private async refreshPopularity(): Promise<void> {
    const entries = [...this.articles.values()];
    const popularity = await this.popularity.read(entries.map((entry) => entry.id));
    entries.forEach((entry, index) => (entry.popularity = popularity[index]));
    this.popularityChanges += 1;
  }

  /**
   * A load that began before this change may have read Redis without it: it is not applied, and
   * the version the change bumped makes the next sync load again, unless that version follows the
   * loaded one (then this copy is Redis at it).
   */
  private appliedOwnChange(version: number): void {
    this.newestApplied = ++this.stampsIssued;
    if (this.loadedVersion !== undefined && Number(this.loadedVersion ?? 0) === version - 1)
      this.loadedVersion = String(version);
  }

  private forget(articleId: string): void {
    if (!this.articles.delete(articleId)) return;
    for (const [channelId, pool] of this.pools)
      this.pools.set(
        channelId,
        pool.filter((entry) => entry.id !== articleId),
      );
  }
}

/** Where Redis would put it: newest first, equal times by id descending (ZREVRANGE order). */
function insertNewestFirst(pool: readonly SnapshotEntry[], entry: SnapshotEntry): SnapshotEntry[] {
  const at = pool.findIndex(
    (other) =>
      other.createdMs < entry.createdMs ||
      (other.createdMs === entry.createdMs && other.id < entry.id),
  );
  return at < 0 ? [...pool, entry] : [...pool.slice(0, at), entry, ...pool.slice(at)];
}
