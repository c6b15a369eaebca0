import { formatListPubdate, startOfLocalDay } from './article-dates.util';

describe('article dates', () => {
  it('formats pubdate as YYYY-MM-DD HH:MM:SS in the display time zone', () => {
    expect(formatListPubdate('2026-01-31T16:30:05.000Z', 'Asia/Shanghai')).toBe('2026-02-01 00:30:05');
    expect(formatListPubdate('2026-01-31T16:30:05.000Z', 'UTC')).toBe('2026-01-31 16:30:05');
    expect(formatListPubdate('', 'UTC')).toBe('');
  });

  it('finds the instant a local day starts, with an optional day offset for inclusive ends', () => {
    expect(startOfLocalDay('2026-02-01', 'Asia/Shanghai')?.toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(startOfLocalDay('2026-02-28', 'Asia/Shanghai', 1)?.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin', 1)?.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it.each(['2026-02-30', '2026-2-01', 'yesterday', '2026-13-01'])('rejects %s', (text) => {
    expect(startOfLocalDay(text, 'UTC')).toBeUndefined();
  });
});
