import { ReadingStatsFields } from '@app/cache';

import {
  BOUNCE_SECONDS,
  classifyReading,
  expectedReadingSeconds,
  MAX_COUNTED_READING_SECONDS,
  MIN_EXPECTED_READING_SECONDS,
  originOf,
  READING_CHARS_PER_MINUTE,
  readingIncrements,
  trackingFields,
  visibleCharacters,
} from './reading-stats.util';

describe('reading statistics of one report', () => {
  it('counts the visible characters of the HTML, not tags, entities or whitespace', () => {
    expect(
      visibleCharacters('<p class="x">头条 news</p>\n<img src="a.png"><p>&nbsp;&amp;好</p>'),
    ).toBe(7);
    expect(visibleCharacters('')).toBe(0);
  });

  it('derives the expected reading time from the reading speed, with a floor', () => {
    expect(expectedReadingSeconds(READING_CHARS_PER_MINUTE)).toBe(60);
    expect(expectedReadingSeconds(1000)).toBe(120);
    expect(expectedReadingSeconds(501)).toBe(61);
    expect(expectedReadingSeconds(0)).toBe(MIN_EXPECTED_READING_SECONDS);
    expect(expectedReadingSeconds(10)).toBe(MIN_EXPECTED_READING_SECONDS);
  });

  it('puts a report in the completion bucket of its share of the expected time', () => {
    expect(classifyReading(100, 120)).toMatchObject({ completionPercent: 83, bucket: 'gt80' });
    expect(classifyReading(96, 120)).toMatchObject({ completionPercent: 80, bucket: 'lt80' });
    expect(classifyReading(60, 120)).toMatchObject({ completionPercent: 50, bucket: 'lt80' });
    expect(classifyReading(24, 120)).toMatchObject({ completionPercent: 20, bucket: 'lt80' });
    expect(classifyReading(23, 120)).toMatchObject({ completionPercent: 19, bucket: 'lt20' });
    expect(classifyReading(0, 120)).toMatchObject({ completionPercent: 0, bucket: 'lt20' });
  });

  it('caps completion at 100 % and the counted time at MAX_COUNTED_READING_SECONDS', () => {
    expect(classifyReading(600, 120)).toEqual({
      seconds: 600,
      completionPercent: 100,
      bucket: 'gt80',
      bounce: false,
    });
    expect(classifyReading(2_147_483_647, 120)).toMatchObject({
      seconds: MAX_COUNTED_READING_SECONDS,
      completionPercent: 100,
    });
  });

  it('is a bounce below BOUNCE_SECONDS only', () => {
    expect(classifyReading(BOUNCE_SECONDS - 1, 120).bounce).toBe(true);
    expect(classifyReading(BOUNCE_SECONDS, 120).bounce).toBe(false);
    // Even a finished short article is a bounce when it was that quick.
    expect(classifyReading(6, MIN_EXPECTED_READING_SECONDS)).toEqual({
      seconds: 6,
      completionPercent: 100,
      bucket: 'gt80',
      bounce: true,
    });
  });

  it('turns a report into hash increments: one bucket, bounces and fan reads only when they apply', () => {
    expect(readingIncrements(classifyReading(60, 120), false)).toEqual([
      [ReadingStatsFields.reports, 1],
      [ReadingStatsFields.seconds, 60],
      [ReadingStatsFields.completionPercent, 50],
      [ReadingStatsFields.lt80, 1],
    ]);
    expect(readingIncrements(classifyReading(3, 120), true)).toEqual([
      [ReadingStatsFields.reports, 1],
      [ReadingStatsFields.seconds, 3],
      [ReadingStatsFields.completionPercent, 3],
      [ReadingStatsFields.lt20, 1],
      [ReadingStatsFields.bounces, 1],
      [ReadingStatsFields.fanReads, 1],
    ]);
  });
});

describe('originOf the tracking fields of a Trace header', () => {
  const readOrigin = (trace: string | undefined) => {
    const fields = trace ? trackingFields(trace) : undefined;
    return fields && originOf(fields);
  };
  const click = (algorithmCombine: unknown, action = 'click') =>
    JSON.stringify({ action, userId: '1', articleId: '2', algorithmCombine });

  it('tells a recommend feed card from a channel latest-list card by the tracking string', () => {
    expect(readOrigin(click('Algo-1'))).toBe('recommendReads');
    expect(readOrigin(click('latest'))).toBe('channelReads');
  });

  it('leaves unknown what is not a click tracking string', () => {
    expect(readOrigin(undefined)).toBeUndefined();
    expect(readOrigin('not json')).toBeUndefined();
    expect(readOrigin('7')).toBeUndefined();
    expect(readOrigin(click('Algo-1', 'read'))).toBeUndefined();
    expect(readOrigin(click(3))).toBeUndefined();
  });
});
