import type { CounterStore, TwoLevelCache } from '@app/cache';
import { ErrorKind } from '@app/grpc';
import type { Snowflake } from '@app/snowflake';

import { type ArticleEntity, ArticleStatus } from '../articles/article.entity';
import type { HiddenArticlesCache } from '../articles/hidden-articles.cache';
import type { UserArticlesCache } from '../articles/user-articles.cache';
import type { NewsConfig } from '../config/news.config';
import { articleChangeJobs } from '../outbox/article-jobs';
import type { JobOutboxRelay } from '../outbox/job-outbox.relay';
import type { ArticleCountersReader } from './article-counters.reader';
import { ArticleHtmlSanitiser } from './article-html.sanitiser';
import type { ArticleReadingStatsReader } from './article-reading-stats.reader';
import type { AuthoringRepository } from './authoring.repository';
import { AuthoringService } from './authoring.service';

const OWNER = '100';
const ARTICLE = '200';
const input = {
  title: 'Valid title',
  content: '<p>x</p>',
  cover: { type: 0, images: [] },
  channelId: 1,
  draft: false,
};

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
    changeVersion: null,
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
    findContent: jest.fn().mockResolvedValue('<p>x</p>'),
  };
  const counters = { increment: jest.fn().mockResolvedValue(0) };
  const cache = { invalidate: jest.fn().mockResolvedValue(undefined) };
  const authorLists = { drop: jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined) };
  const hiddenArticles = {
    hidden: jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined),
    shown: jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined),
  };
  const outbox = { relay: jest.fn<Promise<void>, []>().mockResolvedValue(undefined) };
  const service = new AuthoringService(
    repository as unknown as AuthoringRepository,
    counters as unknown as CounterStore,
    {} as ArticleCountersReader,
    {} as ArticleReadingStatsReader,
    cache as unknown as TwoLevelCache,
    authorLists as unknown as UserArticlesCache,
    hiddenArticles as unknown as HiddenArticlesCache,
    outbox as unknown as JobOutboxRelay,
    { nextId: () => '999' } as Snowflake,
    new ArticleHtmlSanitiser({
      ARTICLE_HTML_TIME_LIMIT_MS: 60_000,
      ARTICLE_HTML_WAIT_LIMIT_MS: 60_000,
    }),
    { STORAGE_PUBLIC_URL: 'http://img.test/', AUTO_APPROVE_AUTHORS: [] as string[] } as NewsConfig,
  );
  return { service, repository, counters, cache, authorLists, hiddenArticles, outbox };
}

describe('AuthoringService', () => {
  it('creates pending articles with a snowflake id and refuses unknown channels before writing', async () => {
    const { service, repository } = newTestService(null);
    await expect(service.create(OWNER, input)).resolves.toBe('999');
    expect(repository.insert).toHaveBeenCalledWith(
      '999',
      OWNER,
      expect.objectContaining({ status: ArticleStatus.PendingReview }),
    );
    repository.channelExists.mockResolvedValue(false);
    await expect(service.create(OWNER, input)).rejects.toThrow('Invalid channel id.');
    expect(repository.insert).toHaveBeenCalledTimes(1);
  });

  it('stores the sanitised HTML on create and edit, picks an automatic cover from it, and refuses HTML with nothing left', async () => {
    const { service, repository } = newTestService(article(ArticleStatus.Draft));
    const image = 'http://img.test/Fh3k9';
    const content = `<p onclick="steal()">正文<script>steal()</script></p><img src="${image}" onerror="steal()"><iframe src="https://evil.test"></iframe>`;
    const stored = `<p>正文</p><img src="${image}" />`;
    await service.create(OWNER, { ...input, content, cover: { type: -1, images: [] } });
    expect(repository.insert).toHaveBeenCalledWith('999', OWNER, {
      title: input.title,
      content: stored,
      cover: { type: 1, images: [image] },
      channelId: 1,
      status: ArticleStatus.PendingReview,
    });
    await service.update(OWNER, ARTICLE, { ...input, content });
    expect(repository.replace).toHaveBeenCalledWith(
      ARTICLE,
      OWNER,
      ArticleStatus.Draft,
      expect.objectContaining({ content: stored }),
      articleChangeJobs(ARTICLE, 'edit', '999'),
      '999',
    );
    await expect(
      service.create(OWNER, { ...input, content: '<script>steal()</script><style>p{}</style>' }),
    ).rejects.toThrow('Invalid content param.');
    expect(repository.insert).toHaveBeenCalledTimes(1);
  });

  it('sends an edited approved article back to review: counter down, caches cleared, reindexed, out of the pools', async () => {
    const { service, repository, counters, cache, authorLists, outbox } = newTestService(
      article(ArticleStatus.Approved),
    );
    await service.update(OWNER, ARTICLE, input);
    expect(repository.replace).toHaveBeenCalledWith(
      ARTICLE,
      OWNER,
      ArticleStatus.Approved,
      expect.objectContaining({ status: ArticleStatus.PendingReview }),
      articleChangeJobs(ARTICLE, 'edit', '999'),
      '999',
    );
    expect(counters.increment).toHaveBeenCalledWith('count:user:arts', OWNER, -1);
    expect(cache.invalidate).toHaveBeenCalledWith(
      `art:${ARTICLE}:info`,
      `art:${ARTICLE}:detail`,
      `art:${ARTICLE}:related`,
    );
    expect(authorLists.drop).toHaveBeenCalledWith(OWNER);
    expect(outbox.relay).toHaveBeenCalledTimes(1);
  });

  it('notes an approved article leaving the lists (edit, ban) or coming back (approval) for cached collections, and no other move', async () => {
    const review = (service: AuthoringService, status: ArticleStatus) =>
      service.review({ articleId: ARTICLE, status, reviewerId: 1, rejectReason: '' });
    const edited = newTestService(article(ArticleStatus.Approved));
    await edited.service.update(OWNER, ARTICLE, input);
    const banned = newTestService(article(ArticleStatus.Approved));
    await review(banned.service, ArticleStatus.Banned);
    const unbanned = newTestService(article(ArticleStatus.Banned));
    await review(unbanned.service, ArticleStatus.Approved);
    const rejected = newTestService(article(ArticleStatus.PendingReview));
    await review(rejected.service, ArticleStatus.Rejected);
    const redrafted = newTestService(article(ArticleStatus.Draft));
    await redrafted.service.update(OWNER, ARTICLE, input);
    const calls = ({ hiddenArticles }: ReturnType<typeof newTestService>) => ({
      hidden: hiddenArticles.hidden.mock.calls,
      shown: hiddenArticles.shown.mock.calls,
    });
    expect([edited, banned, unbanned, rejected, redrafted].map(calls)).toEqual([
      { hidden: [[ARTICLE]], shown: [] },
      { hidden: [[ARTICLE]], shown: [] },
      { hidden: [], shown: [[ARTICLE]] },
      { hidden: [], shown: [] },
      { hidden: [], shown: [] },
    ]);
  });

  it('keeps a change whose hiding cannot be noted: copies of collections expire within minutes', async () => {
    const { service, repository, hiddenArticles } = newTestService(article(ArticleStatus.Approved));
    hiddenArticles.hidden.mockRejectedValue(new Error('Connection is closed.'));
    await expect(
      service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Banned,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).resolves.toEqual({ articleId: ARTICLE, status: ArticleStatus.Banned });
    expect(repository.review).toHaveBeenCalledTimes(1);
  });

  it('commits an article change with a search job and a candidate job of its own version', () => {
    expect(articleChangeJobs(ARTICLE, 'approve', '5')).toEqual([
      {
        name: 'index-article',
        payload: { articleId: ARTICLE, reason: 'approve' },
        jobId: `index-article_${ARTICLE}_approve_5`,
      },
      {
        name: 'refresh-candidate',
        payload: { articleId: ARTICLE },
        jobId: `refresh-candidate_${ARTICLE}_5`,
      },
    ]);
  });

  it('changes nothing when the compare-and-set loses to a concurrent change on every read', async () => {
    const { service, repository, counters, cache, authorLists } = newTestService(
      article(ArticleStatus.Approved),
    );
    repository.replace.mockResolvedValue(false);
    await expect(service.update(OWNER, ARTICLE, input)).rejects.toThrow('Invalid article.');
    expect(repository.replace).toHaveBeenCalledTimes(3);
    expect(counters.increment).not.toHaveBeenCalled();
    // Dropped before each write only.
    expect(cache.invalidate).toHaveBeenCalledTimes(3);
    expect(authorLists.drop).toHaveBeenCalledTimes(3);
  });

  it('applies an edit to the article read again when a concurrent change moved it first', async () => {
    const { service, repository } = newTestService(article(ArticleStatus.Draft));
    repository.findArticle
      .mockResolvedValueOnce(article(ArticleStatus.Draft))
      .mockResolvedValueOnce(article(ArticleStatus.PendingReview));
    repository.replace.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    await expect(service.update(OWNER, ARTICLE, input)).resolves.toBe(ARTICLE);
    expect(repository.replace).toHaveBeenNthCalledWith(
      1,
      ARTICLE,
      OWNER,
      ArticleStatus.Draft,
      expect.anything(),
      expect.anything(),
      expect.anything(),
    );
    expect(repository.replace).toHaveBeenNthCalledWith(
      2,
      ARTICLE,
      OWNER,
      ArticleStatus.PendingReview,
      expect.anything(),
      expect.anything(),
      expect.anything(),
    );
  });

  it('writes nothing when the cached copies cannot be dropped first, and answers that failure', async () => {
    const cacheDown = new Error('Connection is closed.');
    const { service, repository, cache, outbox } = newTestService(
      article(ArticleStatus.PendingReview),
    );
    cache.invalidate.mockRejectedValue(cacheDown);
    await expect(
      service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Approved,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).rejects.toBe(cacheDown);
    await expect(service.update(OWNER, ARTICLE, input)).rejects.toBe(cacheDown);
    await expect(service.delete(OWNER, ARTICLE)).rejects.toBe(cacheDown);
    expect(repository.review).not.toHaveBeenCalled();
    expect(repository.replace).not.toHaveBeenCalled();
    expect(repository.transition).not.toHaveBeenCalled();
    expect(outbox.relay).not.toHaveBeenCalled();
  });

  it('keeps a change whose cached copies cannot be dropped after its commit, and relays its jobs', async () => {
    const { service, repository, cache, outbox } = newTestService(
      article(ArticleStatus.PendingReview),
    );
    cache.invalidate
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new Error('Connection is closed.'));
    await expect(
      service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Approved,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).resolves.toEqual({ articleId: ARTICLE, status: ArticleStatus.Approved });
    expect(repository.review).toHaveBeenCalledTimes(1);
    expect(outbox.relay).toHaveBeenCalledTimes(1);
  });

  const notOwn: Array<[string, ArticleEntity | null]> = [
    ['a missing article', null],
    ["someone else's article", article(ArticleStatus.Draft, '101')],
    ["someone else's deleted article", article(ArticleStatus.Deleted, '101')],
    ['an own deleted article', article(ArticleStatus.Deleted)],
  ];

  it.each([...notOwn, ['an own banned article', article(ArticleStatus.Banned)]])(
    'refuses to update %s with 400 Invalid article., writing nothing',
    async (_name, existing) => {
      const { service, repository, cache } = newTestService(existing);
      await expect(service.update(OWNER, ARTICLE, input)).rejects.toMatchObject({
        kind: ErrorKind.InvalidArgument,
        message: 'Invalid article.',
      });
      expect(repository.replace).not.toHaveBeenCalled();
      expect(cache.invalidate).not.toHaveBeenCalled();
    },
  );

  it.each([...notOwn, ['an own approved article', article(ArticleStatus.Approved)]])(
    'refuses to delete %s with 400 Invalid article., writing nothing',
    async (_name, existing) => {
      const { service, repository, cache } = newTestService(existing);
      await expect(service.delete(OWNER, ARTICLE)).rejects.toMatchObject({
        kind: ErrorKind.InvalidArgument,
        message: 'Invalid article.',
      });
      expect(repository.transition).not.toHaveBeenCalled();
      expect(cache.invalidate).not.toHaveBeenCalled();
    },
  );

  it.each(notOwn)('answers %s for editing as empty, with no content', async (_name, existing) => {
    const { service, repository } = newTestService(existing);
    await expect(service.get(OWNER, ARTICLE)).resolves.toEqual({
      articleId: '',
      title: '',
      cover: undefined,
      channelId: 0,
      content: '',
      status: 0,
    });
    expect(repository.findContent).not.toHaveBeenCalled();
  });

  it('keeps a review whose author counter cannot move: the change is committed, and its jobs are relayed', async () => {
    const { service, counters, outbox } = newTestService(article(ArticleStatus.PendingReview));
    counters.increment.mockRejectedValue(new Error('Connection is closed.'));
    await expect(
      service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Approved,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).resolves.toEqual({
      articleId: ARTICLE,
      status: ArticleStatus.Approved,
    });
    expect(outbox.relay).toHaveBeenCalledTimes(1);
  });

  it('counts an approval once and refuses moves from the wrong status without touching counters', async () => {
    const pending = newTestService(article(ArticleStatus.PendingReview));
    await pending.service.review({
      articleId: ARTICLE,
      status: ArticleStatus.Approved,
      reviewerId: 1,
      rejectReason: '',
    });
    expect(pending.counters.increment).toHaveBeenCalledWith('count:user:arts', OWNER, 1);
    expect(pending.repository.review).toHaveBeenCalledWith(
      expect.objectContaining({
        articleId: ARTICLE,
        from: ArticleStatus.PendingReview,
        to: ArticleStatus.Approved,
      }),
      articleChangeJobs(ARTICLE, 'approve', '999'),
      '999',
    );

    const draft = newTestService(article(ArticleStatus.Draft));
    await expect(
      draft.service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Approved,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).rejects.toThrow('Invalid article status.');
    const lost = newTestService(article(ArticleStatus.PendingReview));
    lost.repository.review.mockResolvedValue(false);
    await expect(
      lost.service.review({
        articleId: ARTICLE,
        status: ArticleStatus.Approved,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).rejects.toThrow('Invalid article status.');
    expect(draft.counters.increment).not.toHaveBeenCalled();
    expect(lost.counters.increment).not.toHaveBeenCalled();
    expect(lost.outbox.relay).not.toHaveBeenCalled();
  });
});
