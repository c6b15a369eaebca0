import { formatDateTime, formatPubdate, startOfLocalDay } from './display-time';

describe('display time', () => {
  it('formats a UTC instant as the reference pubdate in the display time zone', () => {
    expect(formatPubdate('2019-03-11T16:30:05.000Z', 'Asia/Shanghai')).toBe('2019-03-12T00:30:05');
    expect(formatPubdate('2019-03-11T16:30:05.000Z', 'UTC')).toBe('2019-03-11T16:30:05');
  });

  it('uses 00 for midnight, never 24', () => {
    expect(formatPubdate('2020-01-01T00:00:00Z', 'UTC')).toBe('2020-01-01T00:00:00');
  });

  it('answers an empty string for an unreadable instant instead of "Invalid Date"', () => {
    expect(formatPubdate('not a date', 'UTC')).toBe('');
  });

  it('formats the trace action time with a space', () => {
    expect(formatDateTime(new Date('2021-07-01T23:59:59Z'), 'Asia/Shanghai')).toBe(
      '2021-07-02 07:59:59',
    );
  });
});

describe('article dates', () => {
  it('formats pubdate as YYYY-MM-DD HH:MM:SS in the display time zone', () => {
    expect(formatDateTime('2026-01-31T16:30:05.000Z', 'Asia/Shanghai')).toBe('2026-02-01 00:30:05');
    expect(formatDateTime('2026-01-31T16:30:05.000Z', 'UTC')).toBe('2026-01-31 16:30:05');
    expect(formatDateTime('', 'UTC')).toBe('');
  });

  it('finds the instant a local day starts, with an optional day offset for inclusive ends', () => {
    expect(startOfLocalDay('2026-02-01', 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-01-31T16:00:00.000Z',
    );
    expect(startOfLocalDay('2026-02-28', 'Asia/Shanghai', 1)?.toISOString()).toBe(
      '2026-02-28T16:00:00.000Z',
    );
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin', 1)?.toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
  });

  it.each(['2026-02-30', '2026-2-01', 'yesterday', '2026-13-01'])('rejects %s', (text) => {
    expect(startOfLocalDay(text, 'UTC')).toBeUndefined();
  });
});
