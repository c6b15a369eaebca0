import { type ReadingStatsField, ReadingStatsFields } from '@app/cache';

/** Reading speed behind an article's expected reading time (Chinese text, characters per minute). */
export const READING_CHARS_PER_MINUTE = 500;
/** Floor of the expected reading time, so a very short article is not "finished" in a blink. */
export const MIN_EXPECTED_READING_SECONDS = 5;
/** A read shorter than this is a bounce. */
export const BOUNCE_SECONDS = 10;
/** A report counts at most this long: a page left open all night says nothing about reading. */
export const MAX_COUNTED_READING_SECONDS = 3_600;

/** Completion above this share of the expected time is `gt80`, below `LT20_BELOW` is `lt20`. */
const GT80_ABOVE = 0.8;
const LT20_BELOW = 0.2;

export type CompletionBucket = 'gt80' | 'lt80' | 'lt20';

/** What one reading-time report adds to the article's aggregates. */
export interface ReadingReport {
  seconds: number;
  /** 0-100: the reported time over the expected reading time, capped at 100. */
  completionPercent: number;
  bucket: CompletionBucket;
  bounce: boolean;
}

/** Visible characters of the article's HTML: tags, entities and whitespace removed. */
export function visibleCharacters(html: string): number {
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:#\d+|#x[\da-f]+|[a-z]+);/gi, ' ')
    .replace(/\s+/g, '');
  return [...text].length;
}

/** Seconds a reader needs for `characters` visible characters at READING_CHARS_PER_MINUTE. */
export function expectedReadingSeconds(characters: number): number {
  return Math.max(
    MIN_EXPECTED_READING_SECONDS,
    Math.ceil((characters / READING_CHARS_PER_MINUTE) * 60),
  );
}

/** Classifies one report of `duration` seconds on an article expected to take `expectedSeconds`. */
export function classifyReading(duration: number, expectedSeconds: number): ReadingReport {
  const seconds = Math.min(Math.max(0, Math.trunc(duration)), MAX_COUNTED_READING_SECONDS);
  const share = seconds / expectedSeconds;
  return {
    seconds,
    completionPercent: Math.min(100, Math.round(share * 100)),
    bucket: share > GT80_ABOVE ? 'gt80' : share < LT20_BELOW ? 'lt20' : 'lt80',
    bounce: seconds < BOUNCE_SECONDS,
  };
}

/** The hash increments of one report (fields of `StateKeys.articleReadingStats`). */
export function readingIncrements(
  report: ReadingReport,
  byFan: boolean,
): Array<[ReadingStatsField, number]> {
  const increments: Array<[ReadingStatsField, number]> = [
    [ReadingStatsFields.reports, 1],
    [ReadingStatsFields.seconds, report.seconds],
    [ReadingStatsFields.completionPercent, report.completionPercent],
    [ReadingStatsFields[report.bucket], 1],
  ];
  if (report.bounce) increments.push([ReadingStatsFields.bounces, 1]);
  if (byFan) increments.push([ReadingStatsFields.fanReads, 1]);
  return increments;
}

/** The `algorithmCombine` of the tracking strings of the channel's latest list (GET /v1_0/articles). */
export const LATEST_LIST_ALGORITHM = 'latest';

/** The fields of a tracking string: a JSON object, as the recommend service writes them. */
export type TrackingFields = Readonly<Record<string, unknown>>;

/** The fields of the `Trace` header the app echoes, or undefined where it holds no tracking string. */
export function trackingFields(trace: string): TrackingFields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(trace);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as TrackingFields)
    : undefined;
}

/**
 * Where a detail view came from, read from the fields of the click tracking string the app echoes
 * in its `Trace` header: a recommend feed card, a channel's latest list, or unknown (another trace).
 */
export function originOf(fields: TrackingFields): 'recommendReads' | 'channelReads' | undefined {
  const { action, algorithmCombine } = fields;
  if (action !== 'click' || typeof algorithmCombine !== 'string') return undefined;
  return algorithmCombine === LATEST_LIST_ALGORITHM ? 'channelReads' : 'recommendReads';
}
