import type { articleV1 } from '@app/contracts';
import { Metadata } from '@grpc/grpc-js';
import { of } from 'rxjs';

import { ChannelArticlesReader } from './channel-articles.reader';

function newTestReader() {
  const listLatestArticles = jest.fn((..._args: unknown[]) => of({ articleIds: ['2', '1'] }));
  const reader = new ChannelArticlesReader({
    listLatestArticles,
  } as unknown as articleV1.ArticleServiceClient);
  return { reader, listLatestArticles };
}

describe('ChannelArticlesReader', () => {
  it('asks news for the latest ids with the client default deadline', async () => {
    const { reader, listLatestArticles } = newTestReader();
    expect(await reader.latestIds(3, 20, '')).toEqual(['2', '1']);
    expect(listLatestArticles.mock.calls).toEqual([
      [{ channelId: 3, limit: 20, beforeArticleId: '' }],
    ]);
  });

  it('gives the call the deadline asked for', async () => {
    const { reader, listLatestArticles } = newTestReader();
    await reader.latestIds(0, 10, '1300000000000000001', 1_700_000_000_000);
    expect(listLatestArticles.mock.calls).toEqual([
      [
        { channelId: 0, limit: 10, beforeArticleId: '1300000000000000001' },
        expect.any(Metadata),
        { deadline: 1_700_000_000_000 },
      ],
    ]);
  });
});
