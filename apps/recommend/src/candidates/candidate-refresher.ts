import { RedisLock } from '@app/cache';
import { APP_CONFIG, errorMessage, PeriodicTask } from '@app/config';
import { type articleV1, type channelV1 } from '@app/contracts';
import { ARTICLE_GRPC, CHANNEL_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import type { RecommendConfig } from '../config/recommend.config';
import type { PoolEntry } from '../feed/ranking.util';
import { TITLE_CUTTING, TitleTokenizer } from '../related/title-tokenizer';
import { ALL_CHANNELS, CandidateIndex, type Reading } from './candidate-index';
import { CandidateSnapshot } from './candidate-snapshot';
import { READING_LIFETIME_MS } from './reading-scripts';
import { RecoKeys } from './reco-keys';

interface Card {
  id: string;
  channelId: number;
  createdMs: number;
  title: string;
}

/**
 * After a failed refresh (news not up yet at boot) this replica tries again this soon, then twice
 * as late each time up to RETRY_MAX_MS: a boot race is over in a second, an outage is not logged
 * every second.
 */
const FIRST_RETRY_MS = 500;
const RETRY_MAX_MS = 5_000;
/** How long the refresh lock outlives a rebuild whose replica stopped renewing it. */
const REBUILD_LEASE_MS = 30_000;
/**
 * How much sooner than one interval after its round the lock lapses: the next round of that
 * replica (its timer a little late, if anything) finds it free.
 */
const ROUND_SLACK_MS = 1_000;

/** ListLatestArticles answers at most this many ids per call. */
const LIST_PAGE = 100;
/** GetArticleCards answers at most this many cards per call. */
const CARDS_PAGE = 200;

/**
 * Rebuilds the candidate pools from the news service (newest approved articles per channel and
 * their cards) at boot and every RECO_REFRESH_INTERVAL_MS. A Redis lock held for one interval
 * after a rebuild makes one replica refresh per interval. Between rebuilds CandidateUpdater follows each
 * approval, edit, ban and deletion (news enqueues a job per change); a rebuild trims the pools,
 * follows channel changes and makes up for a job that was lost. The other replicas see the bumped
 * version and reload their snapshots.
 */
@Injectable()
export class CandidateRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CandidateRefresher.name);
  private readonly rounds = new PeriodicTask(() => this.tick());
  private readonly lossChecks = new PeriodicTask(() => this.rebuildIfLost());
  private retry: NodeJS.Timeout | undefined;
  private retryDelayMs = FIRST_RETRY_MS;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RecommendConfig,
      | 'RECO_REFRESH_INTERVAL_MS'
      | 'RECO_SNAPSHOT_INTERVAL_MS'
      | 'RECO_CANDIDATES_PER_CHANNEL'
      | 'RECO_RANK_WINDOW'
    >,
    @Inject(RedisLock) private readonly locks: Pick<RedisLock, 'acquire'>,
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    @InjectGrpcClient(CHANNEL_GRPC) private readonly channels: channelV1.ChannelServiceClient,
    private readonly index: CandidateIndex,
    private readonly snapshot: CandidateSnapshot,
    private readonly tokenizer: TitleTokenizer,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.runNowAndEvery(this.config.RECO_REFRESH_INTERVAL_MS);
    this.lossChecks.every(this.config.RECO_SNAPSHOT_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.rounds.stop();
    this.lossChecks.stop();
    if (this.retry) clearTimeout(this.retry);
    await this.running?.catch(() => undefined);
  }

  /**
   * Refreshes unless a replica is refreshing or did within the last interval; a failure retries
   * within seconds. The lock is held for a short lease, renewed while the rebuild runs, and once
   * it succeeded until the next round (an interval after this one began): a replica that dies
   * mid-rebuild (a deploy, an OOM kill) holds up the others for one lease, where a recommend that
   * never built its pools answers nothing.
   */
  async tick(): Promise<boolean> {
    const started = Date.now();
    const lease = await this.locks
      .acquire(RecoKeys.refreshLockName, REBUILD_LEASE_MS)
      .catch(() => undefined);
    if (!lease) {
      // Another replica rebuilds, or did within the interval. Until this one has pools it checks
      // again soon: that replica may die mid-rebuild, and its lock then lapses within a lease.
      if (!(await this.snapshot.ready().catch(() => false))) this.retrySoon();
      return false;
    }
    const renewUntil = started + READING_LIFETIME_MS;
    // A rebuild hung that long has its writes refused anyway (see CandidateIndex): let it go.
    const renewal = setInterval(() => {
      if (Date.now() > renewUntil) clearInterval(renewal);
      else void lease.extend(REBUILD_LEASE_MS).catch(() => false);
    }, REBUILD_LEASE_MS / 3);
    renewal.unref();
    try {
      await this.refresh();
    } catch (error) {
      // Keep the pools of the last good refresh; any replica may retry soon.
      await lease.release().catch(() => undefined);
      this.logger.warn(`candidate refresh failed: ${errorMessage(error)}`);
      this.retrySoon();
      return false;
    } finally {
      clearInterval(renewal);
    }
    this.retryDelayMs = FIRST_RETRY_MS;
    // Held until the round an interval after this one: counted from the end of the rebuild, the
    // lock outlived that round by as long as the rebuild took, and each replica rebuilt every
    // other round. Sent after every renewal on the same connection: none of them can change it again.
    const interval = this.config.RECO_REFRESH_INTERVAL_MS;
    const heldMs = interval - Math.min(ROUND_SLACK_MS, interval / 10) - (Date.now() - started);
    if (heldMs > 0) await lease.extend(heldMs).catch(() => false);
    else await lease.release().catch(() => undefined);
    return true;
  }

  /**
   * A state Redis that came back without its data (no append-only file, a failover to an empty
   * replica) lost the pools and the refresh lock with them: rebuilt within a snapshot interval,
   * where every feed call answered UNAVAILABLE until this replica's next round, up to an interval
   * later. One EXISTS a round. A replica left without pools tries too: the replica whose rebuild
   * began (and stamped) may die in it, and then only its lease holds up the others.
   */
  private async rebuildIfLost(): Promise<void> {
    if (this.stopped || this.running) return;
    const lost = !(await this.index.everRebuilt().catch(() => false));
    if (!lost && (await this.snapshot.ready().catch(() => true))) return;
    await this.tick();
  }

  /** One retry pending at a time, however many rounds failed meanwhile. */
  private retrySoon(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(
      () => void this.tick(),
      Math.min(this.retryDelayMs, this.config.RECO_REFRESH_INTERVAL_MS),
    );
    this.retry.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
  }

  /**
   * Rebuilds the pools from news now; when anything changed, bumps the version and reloads this
   * replica's snapshot (one refresh at a time here).
   */
  refresh(): Promise<void> {
    this.running ??= this.rebuild().finally(() => (this.running = undefined));
    return this.running;
  }

  private async rebuild(): Promise<void> {
    // Begun before news is read: an article a job puts in place from now on is left as it put it,
    // also by a rebuild that began earlier and outlived the lock (its reading is still going); a
    // job that began reading before it writes nothing from now on (it reads again).
    const reading = await this.index.startReading('rebuild');
    try {
      await this.rebuildFrom(reading);
    } finally {
      await this.index.endReading(reading).catch(() => undefined);
    }
  }

  private async rebuildFrom(reading: Reading): Promise<void> {
    const { channels } = await unary(this.channels.listChannels({ defaultOnly: false }));
    const channelIds = [
      ALL_CHANNELS,
      ...channels.map((channel) => channel.id).filter((id) => id !== ALL_CHANNELS),
    ];
    // A channel news lists but the pools do not (none of its articles approved at any rebuild so
    // far) is listed now, though empty: a job adds an approval to a channel's pool only when listed.
    const pooled = new Set(await this.index.channelIds());
    const listed = new Map<number, string[]>();
    for (const channelId of channelIds) listed.set(channelId, await this.latestIds(channelId));
    listed.set(ALL_CHANNELS, everyChannel(listed, this.config.RECO_RANK_WINDOW));

    // The stored pools already tell each listed article's creation time, and the channel lists its
    // channel; cards are read only for the rest (new to a pool, or no title words stored yet).
    // With the candidates jobs keeping the pools current, that is usually nothing.
    const stored = new Map<number, Map<string, number>>();
    for (const [channelId, ids] of listed)
      stored.set(channelId, await this.storedTimes(channelId, ids.length + 1));
    const known = await this.index.knownIds();
    // Tokens stored by another cutting (a release before, which kept a title's control characters)
    // are cut again from the titles news has now: every listed article counts as unread, once.
    const recut = (await this.index.tokensCutting()) !== TITLE_CUTTING;
    const cut = recut ? new Set<string>() : known;
    const listedChannel = new Map<string, number>();
    for (const [channelId, ids] of listed) {
      if (channelId !== ALL_CHANNELS) for (const id of ids) listedChannel.set(id, channelId);
    }
    const unread = new Set<string>();
    for (const [channelId, ids] of listed) {
      for (const id of ids) {
        if (!stored.get(channelId)?.has(id) || !cut.has(id) || !listedChannel.has(id))
          unread.add(id);
      }
    }
    const cards = await this.cards([...unread]);
    // An unread article without a card stopped being approved since it was listed.
    const live = [...new Set([...listed.values()].flat())].filter(
      (id) => !unread.has(id) || cards.has(id),
    );
    const liveIds = new Set(live);

    let changed = await this.putMovedChannels(
      live.flatMap((id) => {
        const channelId = cards.get(id)?.channelId ?? listedChannel.get(id);
        return channelId === undefined ? [] : [{ id, channelId }];
      }),
      reading,
    );
    // Title words are cut once per article (and cutting).
    const newcomers = [...cards.values()].filter((card) => !cut.has(card.id));
    await this.index.putTokens(
      newcomers.map((card) => ({ id: card.id, tokens: this.tokenizer.tokens(card.title) })),
      reading,
    );
    if (recut) await this.index.markTokensCut(TITLE_CUTTING);
    for (const [channelId, ids] of listed) {
      const storedTimes = stored.get(channelId) ?? new Map<string, number>();
      const entries: PoolEntry[] = ids.flatMap((id) => {
        const createdMs = liveIds.has(id)
          ? (storedTimes.get(id) ?? cards.get(id)?.createdMs)
          : undefined;
        return createdMs === undefined ? [] : [{ id, createdMs }];
      });
      if (
        !pooled.has(channelId) ||
        storedTimes.size !== entries.length ||
        entries.some((entry) => storedTimes.get(entry.id) !== entry.createdMs)
      ) {
        await this.index.replaceChannel(channelId, entries, reading);
        changed = true;
      }
    }
    if (await this.index.retainChannels(channelIds)) changed = true;
    const gone = [...known].filter((id) => !liveIds.has(id));
    await this.index.forgetArticles(gone, reading);
    // A rebuild stopped between its writes and its bump left pools the replicas do not count as
    // built (no version): bumping tells them, though nothing changed since.
    if (
      !changed &&
      newcomers.length === 0 &&
      gone.length === 0 &&
      (await this.index.version()) !== null
    ) {
      this.logger.debug(
        `candidates unchanged: ${live.length} articles in ${channelIds.length} pools, ${cards.size} cards read`,
      );
      return;
    }
    // Only a change makes the replicas reload (and re-rank, and republish cold-start runs).
    await this.index.bumpVersion();
    await this.snapshot.reload();
    this.logger.log(
      `candidates refreshed: ${live.length} articles in ${channelIds.length} pools, ${cards.size} cards read`,
    );
  }

  /** Stores the channel of the articles whose channel is new or moved; true if there was any. */
  private async putMovedChannels(
    articles: ReadonlyArray<Pick<Card, 'id' | 'channelId'>>,
    reading: Reading,
  ): Promise<boolean> {
    const stored = await this.index.channelsOf(articles.map((article) => article.id));
    const moved = articles.filter((article, index) => stored[index] !== article.channelId);
    await this.index.putChannels(moved, reading);
    return moved.length > 0;
  }

  /** Creation time of each of the newest `limit` articles of a stored pool. */
  private async storedTimes(channelId: number, limit: number): Promise<Map<string, number>> {
    const pool = await this.index.pool(channelId, limit);
    return new Map(pool.map((entry) => [entry.id, entry.createdMs]));
  }

  private async latestIds(channelId: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < this.config.RECO_CANDIDATES_PER_CHANNEL) {
      const limit = Math.min(LIST_PAGE, this.config.RECO_CANDIDATES_PER_CHANNEL - ids.length);
      const { articleIds } = await unary(
        this.articles.listLatestArticles({ channelId, limit, beforeArticleId: ids.at(-1) ?? '' }),
      );
      ids.push(...articleIds);
      if (articleIds.length < limit) break;
    }
    return ids;
  }

  /** Cards of the ids that are still approved (banned and deleted ones are left out by news). */
  private async cards(ids: string[]): Promise<Map<string, Card>> {
    const found = new Map<string, Card>();
    for (let start = 0; start < ids.length; start += CARDS_PAGE) {
      const { articles } = await unary(
        this.articles.getArticleCards({ articleIds: ids.slice(start, start + CARDS_PAGE) }),
      );
      for (const article of articles) {
        found.set(article.artId, {
          id: article.artId,
          channelId: article.chId,
          createdMs: Date.parse(article.pubdate),
          title: article.title,
        });
      }
    }
    return found;
  }
}

/**
 * Channel 0's pool from the listed ids: the newest of all channels, which a few busy channels can
 * fill alone, and each channel's newest `perChannel` (what its own feed ranks first), so that no
 * channel is missing from it.
 */
export function everyChannel(
  listed: ReadonlyMap<number, readonly string[]>,
  perChannel: number,
): string[] {
  return [
    ...new Set(
      [...listed].flatMap(([channelId, ids]) =>
        channelId === ALL_CHANNELS ? ids : ids.slice(0, perChannel),
      ),
    ),
  ];
}
