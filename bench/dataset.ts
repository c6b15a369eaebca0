import { permutation, seededRandom } from './prng';

export type BenchSize = 'quick' | 'full';

/** Shape of one generated dataset; everything else derives from it and the seed. */
export interface DatasetSpec {
  size: BenchSize;
  seed: number;
  channels: number;
  users: number;
  authors: number;
  articles: number;
  comments: number;
  /** Zipf exponent of article popularity (comments, detail hits, likes). */
  zipfS: number;
}

export const DATASETS: Record<BenchSize, DatasetSpec> = {
  quick: {
    size: 'quick',
    seed: 20261125,
    channels: 25,
    users: 1_000,
    authors: 100,
    articles: 10_000,
    comments: 50_000,
    zipfS: 1.05,
  },
  full: {
    size: 'full',
    seed: 20261125,
    channels: 25,
    users: 10_000,
    authors: 500,
    articles: 100_000,
    comments: 1_000_000,
    zipfS: 1.05,
  },
};

// Ids are real snowflakes (creation ms << 22): the feed's time cursor and the recommend service
// read the creation time out of article ids. The low 22 bits hold the index, so ids stay unique
// and reproducible; article ids grow with pubdate like production ones.
const SNOWFLAKE_EPOCH = 1288834974657n;
/** Creation time of article `index`: one a minute from 2026-01-01 UTC. */
export const articleTime = (index: number): number => Date.UTC(2026, 0, 1) + index * 60_000;
const snowflake = (ms: number, low: number): string =>
  String(((BigInt(ms) - SNOWFLAKE_EPOCH) << 22n) | BigInt(low));

export const userId = (index: number): string => snowflake(Date.UTC(2025, 11, 1), index);
export const articleId = (index: number): string =>
  snowflake(articleTime(index), index % 4_194_304);
/** A comment on article `article`, created `index` ms after the article's first second. */
export const commentTime = (article: number, index: number): number =>
  articleTime(article) + 1_000 + index;
export const commentId = (article: number, index: number): string =>
  snowflake(commentTime(article, index), index % 4_194_304);
export const channelOf = (index: number, spec: DatasetSpec): number => (index % spec.channels) + 1;
/** Every 40th article is not approved (pending), so visibility filters have something to filter. */
export const isApproved = (index: number): boolean => index % 40 !== 39;

/** Popularity rank → article index, the same permutation for seeding and for request mixes. */
export function popularityOrder(spec: DatasetSpec): Uint32Array {
  return permutation(spec.articles, seededRandom(spec.seed ^ 0x5eed));
}

export function databaseName(spec: DatasetSpec): string {
  return `tt_bench_${spec.size}`;
}
