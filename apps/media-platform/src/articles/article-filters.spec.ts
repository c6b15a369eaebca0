import { createdRange } from './article-filters';

describe('createdRange', () => {
  it('bounds the days asked by the midnights of the time zone, the end day included', () => {
    expect(createdRange('2026-01-11', '2026-01-11', 'Asia/Shanghai')).toEqual({
      createdFrom: '2026-01-10T16:00:00.000Z',
      createdBefore: '2026-01-11T16:00:00.000Z',
    });
    expect(createdRange(undefined, undefined, 'UTC')).toEqual({
      createdFrom: '',
      createdBefore: '',
    });
  });

  it('refuses a range that ends before it begins', () => {
    expect(() => createdRange('2026-01-12', '2026-01-11', 'UTC')).toThrow('Invalid pubdate param.');
  });

  it('leaves the end open for the last day a date can name, where the day after it is past year 9999', () => {
    // Midnight after 9999-12-31 is no DATETIME: MySQL compares every row as after it.
    expect(createdRange('2026-01-01', '9999-12-31', 'UTC')).toEqual({
      createdFrom: '2026-01-01T00:00:00.000Z',
      createdBefore: '',
    });
    expect(createdRange(undefined, '9999-12-31', 'America/New_York')).toEqual({
      createdFrom: '',
      createdBefore: '',
    });
    expect(createdRange(undefined, '9999-12-31', 'Asia/Shanghai')).toEqual({
      createdFrom: '',
      createdBefore: '9999-12-31T16:00:00.000Z',
    });
  });
});
