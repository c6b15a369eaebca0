import type { RankWeights } from '../config/recommend.config';

export const HOUR_MS = 3_600_000;

/** An article in a candidate pool, as the candidate sets hold it. */
export interface PoolEntry {
  id: string;
  createdMs: number;
}

/** The counters that make an article popular. */
export interface Popularity {
  likes: number;
  comments: number;
  collections: number;
  reads: number;
}

/** How much one like, comment, collection and read count towards popularity. */
export const POPULARITY_WEIGHTS: Readonly<Popularity> = {
  likes: 3,
  comments: 4,
  collections: 5,
  reads: 1,
};

export interface RankInput extends PoolEntry {
  popularity: Popularity;
  /** Channel of the article; only needed when the reader has interests. */
  channelId?: number;
}

export interface RankContext {
  now: number;
  halfLifeMs: number;
  weights: RankWeights;
  /** Share of the reader's history per channel (0..1); empty for anonymous readers. */
  interest: ReadonlyMap<number, number>;
}

/** 1 for a brand-new article, halving every `halfLifeMs`. Future dates count as new. */
export function recencyScore(createdMs: number, now: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(now - createdMs, 0) / halfLifeMs);
}

/** log10(1 + weighted counters): ten times the engagement adds one point. */
export function popularityScore(popularity: Popularity): number {
  const weighted =
    popularity.likes * POPULARITY_WEIGHTS.likes +
    popularity.comments * POPULARITY_WEIGHTS.comments +
    popularity.collections * POPULARITY_WEIGHTS.collections +
    popularity.reads * POPULARITY_WEIGHTS.reads;
  return Math.log10(1 + Math.max(weighted, 0));
}

/** Share of each channel among the channels of the articles a reader read. */
export function channelInterest(readChannels: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const channel of readChannels) counts.set(channel, (counts.get(channel) ?? 0) + 1);
  return new Map([...counts].map(([channel, count]) => [channel, count / readChannels.length]));
}

/** The `count` channels of the largest share, the lower id first among equal shares. */
export function topInterests(interest: ReadonlyMap<number, number>, count: number): number[] {
  return [...interest]
    .sort(([channelA, shareA], [channelB, shareB]) => shareB - shareA || channelA - channelB)
    .slice(0, count)
    .map(([channel]) => channel);
}

export function score(input: RankInput, context: RankContext): number {
  const interest = input.channelId === undefined ? 0 : (context.interest.get(input.channelId) ?? 0);
  return (
    context.weights.recency * recencyScore(input.createdMs, context.now, context.halfLifeMs) +
    context.weights.popularity * popularityScore(input.popularity) +
    context.weights.interest * interest
  );
}

/** Ids best first; ties go to the newer article, then the larger id, so the order is stable. */
export function rank(inputs: readonly RankInput[], context: RankContext): string[] {
  return inputs
    .map((input) => ({ input, value: score(input, context) }))
    .sort(
      (a, b) =>
        b.value - a.value ||
        b.input.createdMs - a.input.createdMs ||
        compareIds(b.input.id, a.input.id),
    )
    .map(({ input }) => input.id);
}

/** A ranking of a whole pool, with each id's place in it. */
export interface RankedPool {
  ids: readonly string[];
  placeOf: ReadonlyMap<string, number>;
}

export function rankedPool(ids: readonly string[]): RankedPool {
  return { ids, placeOf: new Map(ids.map((id, place) => [id, place])) };
}

/**
 * The best `count` of `entries` by a ranking of a superset of them, best first. Sorting the
 * entries by their places costs the same however large the pool is; entries the ranking does
 * not hold are left out.
 */
export function topInOrder(
  ranked: RankedPool,
  entries: readonly PoolEntry[],
  count: number,
): string[] {
  const places: number[] = [];
  for (const { id } of entries) {
    const place = ranked.placeOf.get(id);
    if (place !== undefined) places.push(place);
  }
  const best = Int32Array.from(places).sort().subarray(0, count);
  return Array.from(best, (place) => ranked.ids[place]);
}

/** Numeric order of decimal id strings. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
