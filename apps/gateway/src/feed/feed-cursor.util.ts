import { decodeSnowflake, SNOWFLAKE_EPOCH } from '@app/snowflake';

const TIMESTAMP_SHIFT = 22n;
/** 41 bits of milliseconds after the epoch; later stamps mean "from the newest". */
const MAX_OFFSET_MS = (1n << 41n) - 1n;

/**
 * The fallback feed pages by time, so the client's `timestamp` cursor works the same whether a
 * batch came from the recommend service or from the latest articles: a stamp asks for articles
 * created strictly before it. Article ids are snowflakes (creation ms in the high bits), so the
 * stamp maps to an exclusive upper id bound: `''` = the newest, `null` = nothing can be older.
 */
export function beforeIdOfTimestamp(timestampMs: number): string | null {
  const offset = BigInt(timestampMs) - SNOWFLAKE_EPOCH;
  if (offset <= 0n) return null;
  if (offset > MAX_OFFSET_MS) return '';
  return (offset << TIMESTAMP_SHIFT).toString();
}

/** The stamp to send for the page after the one ending at `articleId` (its creation ms). */
export function timestampOfArticle(articleId: string): number {
  return decodeSnowflake(articleId).timestampMs;
}
