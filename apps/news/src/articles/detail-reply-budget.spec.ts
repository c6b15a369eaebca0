import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';

import { DETAIL_OVERHEAD_BYTES, detailBudget, detailReplyBytes } from './detail-reply-budget';

describe('GetArticles reply budget', () => {
  it('is unbounded for a caller that does not say, and never past the message limit', () => {
    expect(detailBudget(0)).toBeUndefined();
    expect(detailBudget(GRPC_MAX_MESSAGE_BYTES * 4)).toBe(detailBudget(GRPC_MAX_MESSAGE_BYTES));
    expect(detailBudget(GRPC_MAX_MESSAGE_BYTES)).toBeLessThan(GRPC_MAX_MESSAGE_BYTES);
  });

  it('counts an article by the UTF-8 bytes of its title and content', () => {
    expect(detailReplyBytes({ title: '标题', content: 'ab' })).toBe(6 + 2 + DETAIL_OVERHEAD_BYTES);
  });
});
