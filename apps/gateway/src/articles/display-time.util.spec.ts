import { formatActionTime, formatPubdate } from './display-time.util';

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
    expect(formatActionTime(new Date('2021-07-01T23:59:59Z'), 'Asia/Shanghai')).toBe('2021-07-02 07:59:59');
  });
});
