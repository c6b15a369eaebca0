/** Who the tracking strings name: the user id, the anonymous device id, or `anony` (as the teaching server). */
export const ANONYMOUS_TRACK_USER = 'anony';

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
