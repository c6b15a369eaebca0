import {
  formatDateTime,
  formatOncePerSecond,
  formatPubdate,
  localDay,
  startOfLocalDay,
} from './display-time';

describe('display time', () => {
  it('formats a UTC instant as the reference pubdate in the display time zone', () => {
    expect(formatPubdate('2019-03-11T16:30:05.000Z', 'Asia/Shanghai')).toBe('2019-03-12T00:30:05');
    expect(formatPubdate('2019-03-11T16:30:05.000Z', 'UTC')).toBe('2019-03-11T16:30:05');
  });

  it('answers a stored time asked again, in each time zone, as the first time', () => {
    const stored = '2019-05-01T23:59:59.000Z';
    for (let round = 0; round < 2; round++) {
      expect(formatPubdate(stored, 'Asia/Shanghai')).toBe('2019-05-02T07:59:59');
      expect(formatPubdate(stored, 'UTC')).toBe('2019-05-01T23:59:59');
      expect(formatPubdate(new Date(stored), 'America/New_York')).toBe('2019-05-01T19:59:59');
    }
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

describe('display time across zone offset changes', () => {
  it('agrees with Intl at every quarter hour around a daylight-saving change, and for the same instant twice', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const expected = (instant: Date) => {
      const p = Object.fromEntries(
        intl.formatToParts(instant).map((part) => [part.type, part.value]),
      );
      return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
    };
    const start = Date.parse('2024-03-10T05:00:00Z');
    for (let step = 0; step < 24; step += 1) {
      const instant = new Date(start + step * 900_000 + 59_999);
      expect(formatPubdate(instant, 'America/New_York')).toBe(expected(instant));
      expect(formatPubdate(instant, 'America/New_York')).toBe(expected(instant));
    }
    expect(formatDateTime('2024-03-10T06:59:59Z', 'America/New_York')).toBe('2024-03-10 01:59:59');
    expect(formatDateTime('2024-03-10T07:00:00Z', 'America/New_York')).toBe('2024-03-10 03:00:00');
  });

  it('formats the current time once per second', () => {
    const format = jest.fn((instant: Date) => formatDateTime(instant, 'Asia/Shanghai'));
    const now = formatOncePerSecond(format);
    expect(now(new Date('2019-05-01T02:03:04.100Z'))).toBe('2019-05-01 10:03:04');
    expect(now(new Date('2019-05-01T02:03:04.999Z'))).toBe('2019-05-01 10:03:04');
    expect(format).toHaveBeenCalledTimes(1);
    expect(now(new Date('2019-05-01T02:03:05.000Z'))).toBe('2019-05-01 10:03:05');
    expect(format).toHaveBeenCalledTimes(2);
  });
});

describe('the day of a daily limit', () => {
  it('is the calendar day in the zone, with the ms left to its midnight there', () => {
    // 00:30 UTC is 08:30 in Shanghai: the same day there as 15:59 UTC, not the next.
    expect(localDay(Date.UTC(2026, 0, 2, 0, 30), 'Asia/Shanghai')).toEqual({
      date: '2026-01-02',
      msLeft: 55_800_000,
    });
    expect(localDay(Date.UTC(2026, 0, 1, 15, 59), 'Asia/Shanghai')).toEqual({
      date: '2026-01-01',
      msLeft: 60_000,
    });
    expect(localDay(Date.UTC(2026, 0, 1, 16, 0), 'Asia/Shanghai')).toEqual({
      date: '2026-01-02',
      msLeft: 86_400_000,
    });
  });

  it('lasts 25 hours on the day clocks go back', () => {
    expect(localDay(Date.UTC(2026, 9, 24, 22, 0), 'Europe/Berlin')).toEqual({
      date: '2026-10-25',
      msLeft: 25 * 3_600_000,
    });
  });
});
