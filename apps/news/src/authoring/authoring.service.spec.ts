import type { CounterStore, TwoLevelCache } from '@app/cache';
import type { Snowflake } from '@app/snowflake';

import { type ArticleEntity, ArticleStatus } from '../articles/article.entity';
import type { CandidatesProducer } from '../candidates/candidates.producer';
import type { NewsConfig } from '../config/news.config';
import type { SearchIndexProducer } from '../search/search-index.producer';
import type { ArticleCountersReader } from './article-counters.reader';
import type { ArticleReadingStatsReader } from './article-reading-stats.reader';
import type { AuthoringRepository } from './authoring.repository';
import { AuthoringService } from './authoring.service';

const OWNER = '100';
const ARTICLE = '200';
const input = { title: 'Valid title', content: '<p>x</p>', cover: { type: 0, images: [] }, channelId: 1, draft: false };

function article(status: ArticleStatus, userId = OWNER): ArticleEntity {
  return {
    id: ARTICLE,
    userId,
    status,
    channelId: 1,
    title: 't',
    cover: { type: 0, images: [] },
    reviewerId: null,
    reviewTime: null,
    deleteTime: null,
    rejectReason: null,
    allowComment: true,
    createTime: new Date(0),
    updateTime: new Date(0),
  };
}

function newTestService(existing: ArticleEntity | null) {
  const repository = {
    channelExists: jest.fn().mockResolvedValue(true),
    insert: jest.fn().mockResolvedValue(undefined),
    findArticle: jest.fn().mockResolvedValue(existing),
    replace: jest.fn().mockResolvedValue(true),
    transition: jest.fn().mockResolvedValue(true),
    review: jest.fn().mockResolvedValue(true),
  };
  const counters = { increment: jest.fn().mockResolvedValue(0) };
  const cache = { invalidate: jest.fn().mockResolvedValue(undefined) };
  const searchIndex = { enqueue: jest.fn().mockResolvedValue('job') };
  const candidates = { enqueue: jest.fn<Promise<string>, [articleId: string]>().mockResolvedValue('job') };
  const service = new AuthoringService(
    repository as unknown as AuthoringRepository,
    counters as unknown as CounterStore,
    {} as ArticleCountersReader,
    {} as ArticleReadingStatsReader,
    cache as unknown as TwoLevelCache,
    searchIndex as unknown as SearchIndexProducer,
    candidates as unknown as CandidatesProducer,
    { nextId: () => '999' } as Snowflake,
    { STORAGE_PUBLIC_URL: 'http://img.test/' } as NewsConfig,
  );
  return { service, repository, counters, cache, searchIndex, candidates };
}

describe('AuthoringService', () => {
  it('creates pending articles with a snowflake id and refuses unknown channels before writing', async () => {
    const { service, repository } = newTestService(null);
    await expect(service.create(OWNER, input)).resolves.toBe('999');
    expect(repository.insert).toHaveBeenCalledWith('999', OWNER, expect.objectContaining({ status: ArticleStatus.PendingReview }));
    repository.channelExists.mockResolvedValue(false);
    await expect(service.create(OWNER, input)).rejects.toThrow('Invalid channel id param.');
    expect(repository.insert).toHaveBeenCalledTimes(1);
  });

  it('sends an edited approved article back to review: counter down, caches cleared, reindexed, out of the pools', async () => {
    const { service, repository, counters, cache, searchIndex, candidates } = newTestService(article(ArticleStatus.Approved));
    await service.update(OWNER, ARTICLE, input);
    expect(repository.replace).toHaveBeenCalledWith(ARTICLE, OWNER, ArticleStatus.Approved, expect.objectContaining({ status: ArticleStatus.PendingReview }));
    expect(counters.increment).toHaveBeenCalledWith('count:user:arts', OWNER, -1);
    expect(cache.invalidate).toHaveBeenCalledWith(`art:${ARTICLE}:info`, `art:${ARTICLE}:detail`, `user:${OWNER}:art`);
    expect(searchIndex.enqueue).toHaveBeenCalledWith(ARTICLE, 'edit');
    expect(candidates.enqueue).toHaveBeenCalledWith(ARTICLE);
  });

  it('changes nothing when the compare-and-set loses to a concurrent change', async () => {
    const { service, repository, counters, cache } = newTestService(article(ArticleStatus.Approved));
    repository.replace.mockResolvedValue(false);
    await expect(service.update(OWNER, ARTICLE, input)).rejects.toThrow('Invalid article.');
    expect(counters.increment).not.toHaveBeenCalled();
    expect(cache.invalidate).not.toHaveBeenCalled();
  });

  it.each([
    ['a foreign article', article(ArticleStatus.Draft, '101'), 'User has no permission to access this article.'],
    ['a banned article', article(ArticleStatus.Banned), 'Invalid article.'],
    ['a deleted article', article(ArticleStatus.Deleted), 'The article does not exist.'],
  ])('refuses to update %s', async (_name, existing, message) => {
    const { service, repository } = newTestService(existing);
    await expect(service.update(OWNER, ARTICLE, input)).rejects.toThrow(message);
    expect(repository.replace).not.toHaveBeenCalled();
  });

  it('keeps an edit when the search job cannot be enqueued (the write is committed), and still enqueues the candidate job', async () => {
    const { service, searchIndex, candidates } = newTestService(article(ArticleStatus.Draft));
    searchIndex.enqueue.mockRejectedValue(new Error('queue down'));
    await expect(service.update(OWNER, ARTICLE, input)).resolves.toBe(ARTICLE);
    expect(candidates.enqueue).toHaveBeenCalledWith(ARTICLE);
  });

  it('keeps a review when the candidate job cannot be enqueued', async () => {
    const { service, candidates } = newTestService(article(ArticleStatus.PendingReview));
    candidates.enqueue.mockRejectedValue(new Error('queue down'));
    await expect(service.review({ articleId: ARTICLE, status: ArticleStatus.Approved, reviewerId: 1, rejectReason: '' })).resolves.toEqual({
      articleId: ARTICLE,
      status: ArticleStatus.Approved,
    });
  });

  it('counts an approval once and refuses moves from the wrong status without touching counters', async () => {
    const pending = newTestService(article(ArticleStatus.PendingReview));
    await pending.service.review({ articleId: ARTICLE, status: ArticleStatus.Approved, reviewerId: 1, rejectReason: '' });
    expect(pending.counters.increment).toHaveBeenCalledWith('count:user:arts', OWNER, 1);
    expect(pending.searchIndex.enqueue).toHaveBeenCalledWith(ARTICLE, 'approve');
    expect(pending.candidates.enqueue).toHaveBeenCalledWith(ARTICLE);

    const draft = newTestService(article(ArticleStatus.Draft));
    await expect(draft.service.review({ articleId: ARTICLE, status: ArticleStatus.Approved, reviewerId: 1, rejectReason: '' })).rejects.toThrow('Invalid article status.');
    const lost = newTestService(article(ArticleStatus.PendingReview));
    lost.repository.review.mockResolvedValue(false);
    await expect(lost.service.review({ articleId: ARTICLE, status: ArticleStatus.Approved, reviewerId: 1, rejectReason: '' })).rejects.toThrow('Invalid article status.');
    expect(draft.counters.increment).not.toHaveBeenCalled();
    expect(lost.counters.increment).not.toHaveBeenCalled();
    expect(lost.candidates.enqueue).not.toHaveBeenCalled();
  });
});
