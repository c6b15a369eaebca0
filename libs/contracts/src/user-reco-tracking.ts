import { createHash } from 'node:crypto';

/** The two algorithm combinations of the A/B test, named as the original recommend centre. */
export enum AlgorithmCombine {
  Algo1 = 'Algo-1',
  Algo2 = 'Algo-2',
}

/**
 * Buckets (first hex digit of md5(user_id)) that get `Algo-2`; the others (0-d) get `Algo-1`, as
 * the original recommend centre split them.
 */
const ALGO2_BUCKETS = new Set(['e', 'f']);

/** The A/B bucket of a reader: the first hex character of md5(user_id). */
export function abBucket(userId: string): string {
  return createHash('md5').update(userId, 'utf8').digest('hex')[0];
}

export function algorithmFor(userId: string): AlgorithmCombine {
  return ALGO2_BUCKETS.has(abBucket(userId)) ? AlgorithmCombine.Algo2 : AlgorithmCombine.Algo1;
}

export type TrackAction = 'exposure' | 'click' | 'collect' | 'share' | 'read';

/** An `AlgorithmCombine` of the recommend feed, or the label of another list (the latest articles). */
export type TrackAlgorithm = AlgorithmCombine | 'latest';

/**
 * A tracking string as the reference's `add_track`:
 * `{"action":…,"userId":…,"articleId":…,"algorithmCombine":…}`. Clients echo it back in the
 * `Trace` header; the gateway writes it to the trace log.
 */
export function trackParam(
  action: TrackAction,
  userId: string,
  articleId: string,
  algorithm: TrackAlgorithm,
): string {
  return JSON.stringify({ action, userId, articleId, algorithmCombine: algorithm });
}

/** The exposure string of a batch: `articleId` is the id list as a string, `"[1,2,3]"`. */
export function exposureParam(
  userId: string,
  ids: readonly string[],
  algorithm: TrackAlgorithm,
): string {
  return trackParam('exposure', userId, `[${ids.join(',')}]`, algorithm);
}

export interface ArticleParams {
  click: string;
  collect: string;
  share: string;
  read: string;
}

/** The four tracking strings of one article, which the client echoes in its `Trace` header. */
export function articleParams(
  userId: string,
  articleId: string,
  algorithm: TrackAlgorithm,
): ArticleParams {
  return {
    click: trackParam('click', userId, articleId, algorithm),
    collect: trackParam('collect', userId, articleId, algorithm),
    share: trackParam('share', userId, articleId, algorithm),
    read: trackParam('read', userId, articleId, algorithm),
  };
}

/**
 * gRPC request metadata by which a caller of `user_recommend` that does not hand the per-article
 * tracking strings on (the gateway) asks for `recommends` without `params`. Callers of the
 * original contract send none and get them.
 */
export const RECO_PARAMS_METADATA = 'x-reco-params';
export const RECO_PARAMS_OMIT = 'omit';
