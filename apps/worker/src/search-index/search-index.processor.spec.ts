import type { searchV1 } from '@app/contracts';
import { JobName } from '@app/queue';
import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { of, throwError } from 'rxjs';

import { SearchIndexProcessor } from './search-index.processor';

const ARTICLE_ID = '1300000000000000001';

function newTestProcessor(indexArticle: jest.Mock) {
  const client = { indexArticle } as unknown as searchV1.SearchServiceClient;
  return new SearchIndexProcessor(client);
}

const job = (data: unknown, name: string = JobName.IndexArticle) => ({
  id: 'index-article_1',
  name,
  data,
});

describe('SearchIndexProcessor', () => {
  it('asks the news service to re-read the article and reports the outcome', async () => {
    const indexArticle = jest.fn().mockReturnValue(of({ indexed: true }));
    const processor = newTestProcessor(indexArticle);
    await expect(
      processor.process(job({ articleId: ARTICLE_ID, reason: 'approve' })),
    ).resolves.toEqual({ indexed: true });
    expect(indexArticle).toHaveBeenCalledWith({ articleId: ARTICLE_ID });
  });

  it('reports a removed entry for an article that is no longer approved', async () => {
    const processor = newTestProcessor(jest.fn().mockReturnValue(of({ indexed: false })));
    await expect(
      processor.process(job({ articleId: ARTICLE_ID, reason: 'delete' })),
    ).resolves.toEqual({ indexed: false });
  });

  it('fails (so BullMQ retries) when the news service cannot be reached', async () => {
    const processor = newTestProcessor(
      jest.fn().mockReturnValue(throwError(() => new Error('14 UNAVAILABLE'))),
    );
    const error = await processor
      .process(job({ articleId: ARTICLE_ID, reason: 'edit' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
  });

  it('re-reads the article, as for an edit, on a reason a later release added, and warns once naming it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const indexArticle = jest.fn().mockReturnValue(of({ indexed: true }));
      const processor = newTestProcessor(indexArticle);
      await expect(
        processor.process(job({ articleId: ARTICLE_ID, reason: 'publish' })),
      ).resolves.toEqual({ indexed: true });
      expect(indexArticle).toHaveBeenCalledWith({ articleId: ARTICLE_ID });
      expect(warn.mock.calls).toEqual([
        [
          'job index-article_1 (search-index/index-article): unknown reason "publish", handled as "edit" (the article re-read and indexed or removed by its current state)',
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ['no payload', null],
    ['a numeric article id', { articleId: 42, reason: 'approve' }],
    ['a malformed article id', { articleId: '01', reason: 'approve' }],
    ['no article id', { reason: 'approve' }],
    ['no reason', { articleId: ARTICLE_ID }],
    ['a numeric reason', { articleId: ARTICLE_ID, reason: 1 }],
    ['an empty reason', { articleId: ARTICLE_ID, reason: '' }],
  ])('gives up at once on %s', async (_case, data) => {
    const indexArticle = jest.fn();
    const processor = newTestProcessor(indexArticle);
    await expect(processor.process(job(data))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(indexArticle).not.toHaveBeenCalled();
  });

  it('refuses jobs of another name', async () => {
    const processor = newTestProcessor(jest.fn());
    await expect(
      processor.process(job({ articleId: ARTICLE_ID, reason: 'approve' }, 'other')),
    ).rejects.toThrow('has no handler for job "other"');
  });
});
