import { CacheKeys, CounterKeys, REDIS_STATE, TwoLevelCache } from '@app/cache';
import { APP_CONFIG, formatPubdate } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { GatewayConfig } from '../config/gateway.config';
import type { ArticleCard } from './article-card';
import { type Author, AuthorsReader } from './authors.reader';
import { ChannelPinsReader } from './channel-pins.reader';
import { gatheredMisses } from './gathered-misses';

const CARD_COUNTERS = [
  CounterKeys.articleComments,
  CounterKeys.articleLikes,
  CounterKeys.articleCollections,
] as const;

export interface ReadCardsOptions {
  /** Also mark as top the articles pinned in this channel's `ch:{cid}:art:top` (the feed's channel). */
  topChannelId?: number;
  /**
   * Cards assembled for the same channel within RECENT_CARD_MS may be answered again (the home
   * feed, where every reader of a channel asks for the same few dozen cards).
   */
  recent?: boolean;
}

/** ArticleService.GetArticleCards answers at most this many ids. */
const MAX_CARDS_PER_CALL = 200;
/** How long a recent card is reused: its counters and top flag lag at most this much. */
export const RECENT_CARD_MS = 1000;
/** Recent cards kept at most; past it they are dropped all at once. */
const RECENT_CARDS_MAX = 20_000;

interface CardNumbers {
  counters: number[][];
  top: Set<string>;
}

/**
 * The one assembler of ArticleCards for every list (feed, user articles, collections, history,
 * search). Card data comes from `art:{id}:info` (L1 + one MGET); only misses go to
 * ArticleService.GetArticleCards, which fills the cache; the misses of lists served together go in
 * one call. Counters come in one batch on the state Redis, top flags from the channels' pins
 * (ChannelPinsReader), author names from the two-level cache, all at once.
 */
@Injectable()
export class ArticleCardsReader {
  /** Per channel asked for (-1: none), per article id. */
  private readonly recentCards = new Map<
    number,
    Map<string, { card: ArticleCard; until: number }>
  >();
  private recentCount = 0;
  /** Card misses of the lists served together, sent in one GetArticleCards call. */
  private readonly cardMisses = gatheredMisses(
    async (articleIds) => (await unary(this.articles.getArticleCards({ articleIds }))).articles,
    (article) => article.artId,
    MAX_CARDS_PER_CALL,
  );

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    @Inject(REDIS_STATE) private readonly state: Redis,
    private readonly pins: ChannelPinsReader,
    private readonly authors: AuthorsReader,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
  ) {}

  /** Cards of the approved articles among `ids`, in the order of `ids`; unknown ids are dropped. */
  async read(ids: readonly string[], options: ReadCardsOptions = {}): Promise<ArticleCard[]> {
    return options.recent
      ? this.readRecent(ids, options.topChannelId)
      : this.assemble(ids, options.topChannelId);
  }

  private async readRecent(
    ids: readonly string[],
    topChannelId: number | undefined,
  ): Promise<ArticleCard[]> {
    const now = Date.now();
    const channel = topChannelId ?? -1;
    let recent = this.recentCards.get(channel);
    if (!recent) {
      recent = new Map();
      this.recentCards.set(channel, recent);
    }
    const found: Array<ArticleCard | undefined> = [];
    let misses: string[] | undefined;
    for (const id of ids) {
      const entry = recent.get(id);
      if (entry && entry.until > now) found.push(entry.card);
      else {
        found.push(undefined);
        (misses ??= []).push(id);
      }
    }
    if (misses === undefined) return found as ArticleCard[];
    if (this.recentCount > RECENT_CARDS_MAX) {
      this.recentCards.clear();
      this.recentCount = 0;
      this.recentCards.set(channel, recent);
      recent.clear();
    }
    const assembled = new Map<string, ArticleCard>();
    for (const card of await this.assemble(misses, topChannelId)) {
      assembled.set(card.art_id, card);
      if (!recent.has(card.art_id)) this.recentCount += 1;
      recent.set(card.art_id, { card, until: now + RECENT_CARD_MS });
    }
    return found.flatMap((card, index) => card ?? assembled.get(ids[index]) ?? []);
  }

  private async assemble(
    ids: readonly string[],
    topChannelId: number | undefined,
  ): Promise<ArticleCard[]> {
    const infos = await this.infos(ids);
    if (infos.length === 0) return [];
    const [numbers, authors] = await Promise.all([
      this.numbers(infos, topChannelId),
      this.authors.read(infos.map((info) => info.autId)),
    ]);
    return infos.map((info, index) => this.card(info, index, numbers, authors.get(info.autId)));
  }

  /** The cached card data (`art:{id}:info`) of the approved articles among `ids`, in order. */
  async infos(ids: readonly string[]): Promise<articleV1.ArticleInfo[]> {
    if (ids.length === 0) return [];
    const cached = await this.cache.peekMany<articleV1.ArticleInfo>(
      ids.map((id) => CacheKeys.articleInfo(id)),
    );
    const misses = [...new Set(ids.filter((_, index) => cached[index] === undefined))];
    const loaded = new Map<string, articleV1.ArticleInfo | null>();
    if (misses.length > 0) {
      const answers = await Promise.all(misses.map((id) => this.cardMisses.load(id)));
      misses.forEach((id, index) => loaded.set(id, answers[index]));
    }
    return ids.flatMap((id, index) => {
      const info = cached[index] ?? loaded.get(id);
      return info ? [info] : [];
    });
  }

  private async numbers(
    infos: readonly articleV1.ArticleInfo[],
    topChannelId: number | undefined,
  ): Promise<CardNumbers> {
    const ids = infos.map((info) => info.artId);
    const channels = [
      ...new Set([
        ...infos.map((info) => info.chId),
        ...(topChannelId === undefined ? [] : [topChannelId]),
      ]),
    ];
    // Separate commands: auto-pipelining sends those of concurrent requests in one write.
    const [counters, pins] = await Promise.all([
      Promise.all(CARD_COUNTERS.map((key) => this.state.zmscore(key, ...ids))),
      Promise.all(channels.map(async (channel) => new Set(await this.pins.ids(channel)))),
    ]);
    const pinnedIn = new Map(channels.map((channel, index) => [channel, pins[index]]));
    const top = new Set(
      infos
        .filter(
          (info) =>
            pinnedIn.get(info.chId)?.has(info.artId) ||
            (topChannelId !== undefined && pinnedIn.get(topChannelId)?.has(info.artId)),
        )
        .map((info) => info.artId),
    );
    return {
      counters: counters.map((column) => column.map((score) => Math.max(0, Number(score ?? 0)))),
      top,
    };
  }

  private card(
    info: articleV1.ArticleInfo,
    index: number,
    numbers: CardNumbers,
    author: Author | null | undefined,
  ): ArticleCard {
    const [comments, likes, collections] = numbers.counters;
    return {
      art_id: info.artId,
      title: info.title,
      aut_id: info.autId,
      aut_name: author?.name ?? '',
      pubdate: formatPubdate(info.pubdate, this.config.TZ),
      ch_id: info.chId,
      cover: { type: info.cover?.type ?? 0, images: info.cover?.images ?? [] },
      is_top: numbers.top.has(info.artId) ? 1 : 0,
      comm_count: comments[index],
      like_count: likes[index],
      collect_count: collections[index],
    };
  }
}
