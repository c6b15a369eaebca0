import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';

import { DETAIL_OVERHEAD_BYTES, detailBudget, detailReplyBytes, withinBudget } from './detail-reply-budget';

describe('GetArticles reply budget', () => {
  it('is unbounded for a caller that does not say, and never past the message limit', () => {
    expect(detailBudget(0)).toBeUndefined();
    expect(detailBudget(GRPC_MAX_MESSAGE_BYTES * 4)).toBe(detailBudget(GRPC_MAX_MESSAGE_BYTES));
    expect(detailBudget(GRPC_MAX_MESSAGE_BYTES)).toBeLessThan(GRPC_MAX_MESSAGE_BYTES);
  });

  it('counts an article by the UTF-8 bytes of its title and content', () => {
    expect(detailReplyBytes({ title: '标题', content: 'ab' })).toBe(6 + 2 + DETAIL_OVERHEAD_BYTES);
  });

  it('takes items in order while they fit, the first always, and leaves out the others', () => {
    const bytes: Record<string, number> = { a: 7, b: 4, c: 3, d: 0, e: 1 };
    expect(withinBudget(['a', 'b', 'c', 'd', 'e'], (id) => bytes[id], 5)).toEqual({
      taken: ['a', 'd'],
      leftOut: ['b', 'c', 'e'],
    });
    expect(withinBudget(['b', 'e', 'c', 'd'], (id) => bytes[id], 5)).toEqual({ taken: ['b', 'e', 'd'], leftOut: ['c'] });
    expect(withinBudget([], (id: string) => bytes[id], 5)).toEqual({ taken: [], leftOut: [] });
  });
});
