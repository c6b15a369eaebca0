/** The four per-article tracking strings the client echoes in its `Trace` header. */
export interface ArticleTrace {
  click: string;
  collect: string;
  share: string;
  read: string;
}

/** Who the tracking strings name: the user id, the anonymous device id, or `anony` (as the teaching server). */
export const ANONYMOUS_TRACK_USER = 'anony';

/** The recommend service's per-article tracking JSON ([RECO] `add_track`) for `algorithmCombine`. */
export function articleTrace(
  userId: string,
  articleId: string,
  algorithmCombine: string,
): ArticleTrace {
  const track = (action: keyof ArticleTrace): string =>
    JSON.stringify({ action, userId, articleId, algorithmCombine });
  return {
    click: track('click'),
    collect: track('collect'),
    share: track('share'),
    read: track('read'),
  };
}

/**
 * The recommend service's exposure string (`{"action":"exposure",…,"articleId":"[1,2,3]",…}`) for
 * the part of its run that one batch shows; a string in another format is kept as it is.
 */
export function exposureOfBatch(runExposure: string, ids: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(runExposure);
  } catch {
    return runExposure;
  }
  if (typeof parsed !== 'object' || parsed === null || !('articleId' in parsed)) return runExposure;
  return JSON.stringify({ ...parsed, articleId: `[${ids.join(',')}]` });
}
