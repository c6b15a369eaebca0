/** Who the tracking strings name: the user id, the anonymous device id, or `anony` (as the teaching server). */
export const ANONYMOUS_TRACK_USER = 'anony';

/**
 * From the recommend service's exposure string for a run (`{"action":"exposure",…,"articleId":"[1,2,3]",…}`),
 * the exposure string of each batch of it: the same fields naming only the batch's ids. The run's
 * string is parsed once; one of another format is kept as it is for every batch.
 */
export function batchExposures(runExposure: string): (ids: readonly string[]) => string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(runExposure);
  } catch {
    return () => runExposure;
  }
  if (typeof parsed !== 'object' || parsed === null || !('articleId' in parsed))
    return () => runExposure;
  const fields = parsed;
  return (ids) => JSON.stringify({ ...fields, articleId: `[${ids.join(',')}]` });
}
