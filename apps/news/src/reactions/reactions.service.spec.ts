import { CounterKeys, type CounterMove, type CounterStore } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { AppError, ErrorKind } from '@app/grpc';
import { Logger } from '@nestjs/common';

import type { ArticlesService } from '../articles/articles.service';
import { ArticleAttitude } from './attitude-transition';
import type { LikingNotifier } from './liking.notifier';
import type { ReactionsCache } from './reactions.cache';
import type { ReactedArticle, ReactionsRepository } from './reactions.repository';
import {
  MAX_CACHED_ATTITUDES,
  MAX_CACHED_COLLECTIONS,
  ReactionsService,
} from './reactions.service';

const READER = '1294287382374383617';
const AUTHOR = '1294287382374383616';
const ARTICLE: ReactedArticle = {
  id: '1300000000000000001',
  authorId: AUTHOR,
  title: 't',
  channelId: 1,
};

/** `approved`: whether the card cache (which knows approved articles only) has the article. */
function newTestService(article: ReactedArticle | null = ARTICLE, approved = article !== null) {
  const repository = {
    findAuthorId: jest
      .fn<Promise<string | undefined>, [string]>()
      .mockResolvedValue(article?.authorId),
    collect: jest.fn().mockResolvedValue(true),
    uncollect: jest.fn().mockResolvedValue(true),
    findCollected: jest.fn().mockResolvedValue([]),
    collectedPage: jest.fn().mockResolvedValue([]),
    countCollected: jest.fn().mockResolvedValue(0),
    isCollected: jest.fn().mockResolvedValue(false),
    setAttitude: jest.fn().mockResolvedValue({ changed: true, previous: null }),
    clearAttitude: jest.fn().mockResolvedValue(true),
    undoAttitude: jest.fn().mockResolvedValue(true),
    undoUncollect: jest.fn().mockResolvedValue(true),
    findAttitudes: jest.fn().mockResolvedValue([]),
    attitudesAmong: jest.fn().mockResolvedValue([]),
    addReport: jest.fn().mockResolvedValue(true),
  };
  const cache = {
    invalidateCollections: jest.fn().mockResolvedValue(undefined),
    invalidateAttitudes: jest.fn().mockResolvedValue(undefined),
    collectionPage: jest.fn().mockResolvedValue(undefined),
    isCollected: jest.fn().mockResolvedValue(undefined),
    attitudes: jest.fn().mockResolvedValue(undefined),
    leaseCollections: jest.fn().mockResolvedValue('lease'),
    leaseAttitudes: jest.fn().mockResolvedValue('lease'),
    fillCollections: jest.fn().mockResolvedValue(true),
    fillAttitudes: jest.fn().mockResolvedValue(true),
  };
  const counters = {
    move: jest.fn<Promise<void>, [readonly CounterMove[]]>().mockResolvedValue(undefined),
  };
  const notifier = { send: jest.fn() };
  const info: articleV1.ArticleInfo | null =
    article && approved
      ? {
          artId: article.id,
          autId: article.authorId,
          title: article.title,
          chId: article.channelId,
          pubdate: '2026-01-01T00:00:00.000Z',
          allowComm: true,
          cover: { type: 0, images: [] },
        }
      : null;
  const articles = {
    getInfo: jest.fn<Promise<articleV1.ArticleInfo | null>, [string]>().mockResolvedValue(info),
  };
  const service = new ReactionsService(
    repository as unknown as ReactionsRepository,
    cache as unknown as ReactionsCache,
    counters as unknown as CounterStore,
    notifier as unknown as LikingNotifier,
    articles as unknown as ArticlesService,
  );
  return { service, repository, cache, counters, notifier, articles };
}

/** Every counter move the service asked for, in order. */
const moved = (counters: ReturnType<typeof newTestService>['counters']): CounterMove[] =>
  counters.move.mock.calls.flatMap(([moves]) => moves);

async function expectError(
  promise: Promise<unknown>,
  kind: ErrorKind,
  message: string,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ kind, message });
}

describe('ReactionsService', () => {
  it('counts a first like for the article and its author, notifies the author and drops the attitude cache', async () => {
    const { service, counters, notifier, cache } = newTestService();
    await service.like(READER, ARTICLE.id);
    expect(moved(counters)).toEqual(
      expect.arrayContaining([
        [CounterKeys.articleLikes, ARTICLE.id, 1],
        [CounterKeys.userLikesReceived, AUTHOR, 1],
      ]),
    );
    expect(moved(counters)).toHaveLength(2);
    expect(notifier.send).toHaveBeenCalledWith(READER, ARTICLE);
    expect(cache.invalidateAttitudes).toHaveBeenCalledWith(READER);
  });

  it('moves nothing and notifies nobody when the like was already there, but still drops the cache', async () => {
    const { service, repository, counters, notifier, cache } = newTestService();
    repository.setAttitude.mockResolvedValue({ changed: false, previous: ArticleAttitude.Like });
    await service.like(READER, ARTICLE.id);
    expect(moved(counters)).toEqual([]);
    expect(notifier.send).not.toHaveBeenCalled();
    expect(cache.invalidateAttitudes).toHaveBeenCalledWith(READER);
  });

  it('counts a self-like for the author but sends no notification', async () => {
    const { service, counters, notifier } = newTestService();
    await service.like(AUTHOR, ARTICLE.id);
    expect(moved(counters)).toContainEqual([CounterKeys.userLikesReceived, AUTHOR, 1]);
    expect(notifier.send).not.toHaveBeenCalled();
  });

  it('switches a like to a dislike on both counters and takes the like back from the author', async () => {
    const { service, repository, counters } = newTestService();
    repository.setAttitude.mockResolvedValue({ changed: true, previous: ArticleAttitude.Like });
    await service.dislike(READER, ARTICLE.id);
    expect(repository.setAttitude).toHaveBeenCalledWith(
      READER,
      ARTICLE.id,
      ArticleAttitude.Dislike,
    );
    expect(moved(counters)).toEqual(
      expect.arrayContaining([
        [CounterKeys.articleLikes, ARTICLE.id, -1],
        [CounterKeys.articleDislikes, ARTICLE.id, 1],
        [CounterKeys.userLikesReceived, AUTHOR, -1],
      ]),
    );
    expect(moved(counters)).toHaveLength(3);
  });

  it('refuses articles that are missing or not approved, writing nothing', async () => {
    for (const article of [null, ARTICLE]) {
      const { service, repository, counters } = newTestService(article, false);
      await expectError(
        service.like(READER, ARTICLE.id),
        ErrorKind.NotFound,
        'The article does not exist.',
      );
      await expectError(
        service.collect(READER, ARTICLE.id),
        ErrorKind.NotFound,
        'The article does not exist.',
      );
      await expectError(
        service.report(READER, ARTICLE.id, 1, ''),
        ErrorKind.NotFound,
        'The article does not exist.',
      );
      expect(repository.setAttitude).not.toHaveBeenCalled();
      expect(repository.collect).not.toHaveBeenCalled();
      expect(repository.addReport).not.toHaveBeenCalled();
      expect(moved(counters)).toEqual([]);
    }
  });

  it('refuses malformed ids before touching MySQL', async () => {
    const { service, repository, articles } = newTestService();
    await expectError(
      service.like(READER, '12abc'),
      ErrorKind.InvalidArgument,
      'Invalid target article id.',
    );
    await expectError(
      service.uncollect(READER, '-1'),
      ErrorKind.InvalidArgument,
      'Invalid target article id.',
    );
    await expectError(
      service.like('', ARTICLE.id),
      ErrorKind.Unauthenticated,
      'User must be authorized.',
    );
    expect(articles.getInfo).not.toHaveBeenCalled();
    expect(repository.findAuthorId).not.toHaveBeenCalled();
    expect(repository.uncollect).not.toHaveBeenCalled();
  });

  it('counts a collection for the article and the user only when the row changed', async () => {
    const { service, repository, counters, cache } = newTestService();
    await service.collect(READER, ARTICLE.id);
    expect(moved(counters)).toEqual(
      expect.arrayContaining([
        [CounterKeys.articleCollections, ARTICLE.id, 1],
        [CounterKeys.userCollections, READER, 1],
      ]),
    );
    repository.collect.mockResolvedValue(false);
    counters.move.mockClear();
    await service.collect(READER, ARTICLE.id);
    expect(moved(counters)).toEqual([]);
    // Before and after each write.
    expect(cache.invalidateCollections).toHaveBeenCalledTimes(4);
  });

  it('writes nothing when the cached copies cannot be dropped first, and answers that failure', async () => {
    const cacheDown = new Error('Connection is closed.');
    const { service, repository, cache } = newTestService();
    cache.invalidateAttitudes.mockRejectedValue(cacheDown);
    cache.invalidateCollections.mockRejectedValue(cacheDown);
    await expect(service.like(READER, ARTICLE.id)).rejects.toBe(cacheDown);
    await expect(service.collect(READER, ARTICLE.id)).rejects.toBe(cacheDown);
    expect(repository.setAttitude).not.toHaveBeenCalled();
    expect(repository.collect).not.toHaveBeenCalled();
  });

  it('uncounts an unlike for the author even when the article is no longer approved', async () => {
    const { service, counters, repository } = newTestService(ARTICLE, false);
    await service.unlike(READER, ARTICLE.id);
    // Not in the card cache any more: the author comes from MySQL.
    expect(repository.findAuthorId).toHaveBeenCalledWith(ARTICLE.id);
    expect(moved(counters)).toEqual(
      expect.arrayContaining([
        [CounterKeys.articleLikes, ARTICLE.id, -1],
        [CounterKeys.userLikesReceived, AUTHOR, -1],
      ]),
    );
  });

  it('puts each changed row back and fails when its counters cannot move, so the request changed nothing', async () => {
    const redisDown = new Error('Connection is closed.');
    const { service, repository, counters, notifier, cache } = newTestService();
    counters.move.mockRejectedValue(redisDown);
    repository.setAttitude.mockResolvedValue({ changed: true, previous: ArticleAttitude.Dislike });

    await expect(service.like(READER, ARTICLE.id)).rejects.toBe(redisDown);
    expect(repository.undoAttitude).toHaveBeenLastCalledWith(
      READER,
      ARTICLE.id,
      ArticleAttitude.Like,
      ArticleAttitude.Dislike,
    );
    expect(notifier.send).not.toHaveBeenCalled();
    await expect(service.unlike(READER, ARTICLE.id)).rejects.toBe(redisDown);
    expect(repository.undoAttitude).toHaveBeenLastCalledWith(
      READER,
      ARTICLE.id,
      null,
      ArticleAttitude.Like,
    );
    await expect(service.collect(READER, ARTICLE.id)).rejects.toBe(redisDown);
    expect(repository.uncollect).toHaveBeenCalledWith(READER, ARTICLE.id);
    await expect(service.uncollect(READER, ARTICLE.id)).rejects.toBe(redisDown);
    expect(repository.undoUncollect).toHaveBeenCalledWith(READER, ARTICLE.id);
    // The cached copies are dropped all the same, before and after each write.
    expect(cache.invalidateAttitudes).toHaveBeenCalledTimes(4);
    expect(cache.invalidateCollections).toHaveBeenCalledTimes(4);
  });

  it('puts nothing back when the row did not change or the counters moved', async () => {
    const { service, repository } = newTestService();
    await service.like(READER, ARTICLE.id);
    repository.collect.mockResolvedValue(false);
    await service.collect(READER, ARTICLE.id);
    expect(repository.undoAttitude).not.toHaveBeenCalled();
    expect(repository.uncollect).not.toHaveBeenCalled();
  });

  it("answers the counters' failure when the undo fails too, and logs the undo", async () => {
    const redisDown = new Error('Connection is closed.');
    const { service, repository, counters } = newTestService();
    counters.move.mockRejectedValue(redisDown);
    repository.undoAttitude.mockRejectedValue(new Error('MySQL is gone'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(service.dislike(READER, ARTICLE.id)).rejects.toBe(redisDown);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('MySQL is gone'));
    logged.mockRestore();
  });

  it('reads the article of a like from the card cache, not from MySQL', async () => {
    const { service, repository, articles } = newTestService();
    await service.like(READER, ARTICLE.id);
    await service.unlike(READER, ARTICLE.id);
    expect(articles.getInfo).toHaveBeenCalledWith(ARTICLE.id);
    expect(repository.findAuthorId).not.toHaveBeenCalled();
  });

  it('keeps the remark of type 0 only, and refuses bad types and second reports', async () => {
    const { service, repository } = newTestService();
    await service.report(READER, ARTICLE.id, 0, 'spam');
    await service.report(READER, ARTICLE.id, 3, 'ignored');
    expect(repository.addReport.mock.calls).toEqual([
      [READER, ARTICLE.id, 0, 'spam'],
      [READER, ARTICLE.id, 3, null],
    ]);
    for (const type of [-1, 9, 1.5]) {
      await expectError(
        service.report(READER, ARTICLE.id, type, ''),
        ErrorKind.InvalidArgument,
        'Invalid report type.',
      );
    }
    repository.addReport.mockResolvedValue(false);
    await expectError(
      service.report(READER, ARTICLE.id, 1, ''),
      ErrorKind.Conflict,
      'User has reported this article.',
    );
  });

  it("caches a user's likes and dislikes whole on a miss, and reads them for the page's article only when there are too many", async () => {
    const few = newTestService();
    few.repository.findAttitudes.mockResolvedValue([
      { articleId: ARTICLE.id, attitude: ArticleAttitude.Like },
    ]);
    expect(await few.service.viewerState(READER, ARTICLE.id)).toMatchObject({
      attitude: ArticleAttitude.Like,
    });
    expect(few.repository.findAttitudes).toHaveBeenCalledWith(READER, MAX_CACHED_ATTITUDES);
    expect(few.cache.fillAttitudes).toHaveBeenCalledWith(READER, 'lease', [
      { articleId: ARTICLE.id, attitude: ArticleAttitude.Like },
    ]);
    expect(few.repository.attitudesAmong).not.toHaveBeenCalled();

    const many = newTestService();
    many.repository.findAttitudes.mockResolvedValue(
      Array.from({ length: MAX_CACHED_ATTITUDES + 1 }, (_, index) => ({
        articleId: String(1_300_000_000_000_001_000n + BigInt(index)),
        attitude: ArticleAttitude.Like,
      })),
    );
    many.repository.attitudesAmong.mockResolvedValue([
      { articleId: ARTICLE.id, attitude: ArticleAttitude.Dislike },
    ]);
    expect(await many.service.viewerState(READER, ARTICLE.id)).toMatchObject({
      attitude: ArticleAttitude.Dislike,
    });
    expect(await many.service.viewerState(READER, ARTICLE.id)).toMatchObject({
      attitude: ArticleAttitude.Dislike,
    });
    expect(many.repository.findAttitudes).toHaveBeenCalledTimes(1);
    expect(many.repository.attitudesAmong).toHaveBeenCalledTimes(2);
    expect(many.repository.attitudesAmong).toHaveBeenCalledWith(READER, [ARTICLE.id]);
    expect(many.cache.fillAttitudes).not.toHaveBeenCalled();
  });

  it('pages collections from MySQL on a miss and fills the cache under its lease', async () => {
    const { service, repository, cache } = newTestService();
    const collected = Array.from({ length: 12 }, (_, index) => ({
      articleId: `13000000000000000${10 + index}`,
      collectedAt: 100 - index,
      visible: true,
    }));
    repository.findCollected.mockResolvedValue(collected);
    const page = await service.listCollections(READER, 2, 10);
    expect(page).toEqual({
      totalCount: 12,
      page: 2,
      perPage: 10,
      articleIds: collected.slice(10).map((c) => c.articleId),
    });
    expect(cache.fillCollections).toHaveBeenCalledWith(READER, 'lease', collected);
    await expectError(
      service.listCollections(READER, 1, 51),
      ErrorKind.InvalidArgument,
      'Invalid request.',
    );
  });

  it("caches a user's few collections whole and answers from that list", async () => {
    const { service, repository, cache } = newTestService();
    const collected = [ARTICLE.id, '1300000000000000002', '1300000000000000003'].map(
      (articleId, index) => ({ articleId, collectedAt: 100 - index, visible: true }),
    );
    repository.findCollected.mockResolvedValue(collected);
    expect(await service.listCollections(READER, 1, 10)).toEqual({
      totalCount: 3,
      page: 1,
      perPage: 10,
      articleIds: collected.map((c) => c.articleId),
    });
    expect(await service.viewerState(READER, ARTICLE.id)).toMatchObject({ isCollected: true });
    expect(await service.viewerState(READER, '1300000000000000009')).toMatchObject({
      isCollected: false,
    });
    expect(repository.findCollected).toHaveBeenCalledWith(READER, MAX_CACHED_COLLECTIONS);
    expect(cache.fillCollections).toHaveBeenCalledWith(READER, 'lease', collected);
    expect(repository.collectedPage).not.toHaveBeenCalled();
    expect(repository.countCollected).not.toHaveBeenCalled();
    expect(repository.isCollected).not.toHaveBeenCalled();
  });

  it('leaves collected articles not visible now out of the pages and the total, and still knows them collected', async () => {
    const { service, repository, cache } = newTestService();
    const [hidden, shown] = ['1300000000000000002', '1300000000000000003'];
    const collected = [
      { articleId: hidden, collectedAt: 101, visible: false },
      { articleId: shown, collectedAt: 100, visible: true },
    ];
    repository.findCollected.mockResolvedValue(collected);
    expect(await service.listCollections(READER, 1, 10)).toEqual({
      totalCount: 1,
      page: 1,
      perPage: 10,
      articleIds: [shown],
    });
    expect(cache.fillCollections).toHaveBeenCalledWith(READER, 'lease', collected);
    expect(await service.viewerState(READER, hidden)).toMatchObject({ isCollected: true });
  });

  it('pages and checks the collections of a user with too many straight from MySQL, reading the whole list once', async () => {
    const { service, repository, cache } = newTestService();
    repository.findCollected.mockResolvedValue(
      Array.from({ length: MAX_CACHED_COLLECTIONS + 1 }, (_, index) => ({
        articleId: String(1_300_000_000_000_001_000n + BigInt(index)),
        collectedAt: 1_000_000 - index,
        visible: true,
      })),
    );
    const ids = Array.from({ length: 20 }, (_, index) =>
      String(1_300_000_000_000_002_000n + BigInt(index)),
    );
    repository.collectedPage.mockResolvedValue(ids);
    repository.countCollected.mockResolvedValue(2_000_000);
    repository.isCollected.mockResolvedValue(true);

    expect(await service.listCollections(READER, 3, 20)).toEqual({
      totalCount: 2_000_000,
      page: 3,
      perPage: 20,
      articleIds: ids,
    });
    expect(repository.collectedPage).toHaveBeenCalledWith(READER, 40, 20);
    expect(await service.viewerState(READER, ARTICLE.id)).toMatchObject({ isCollected: true });
    expect(repository.isCollected).toHaveBeenCalledWith(READER, ARTICLE.id);
    await service.listCollections(READER, 0, 0);
    expect(repository.collectedPage).toHaveBeenLastCalledWith(READER, 0, 10);

    expect(repository.findCollected).toHaveBeenCalledTimes(1);
    expect(repository.countCollected).toHaveBeenCalledTimes(1);
    expect(repository.countCollected).toHaveBeenCalledWith(READER);
    expect(cache.fillCollections).not.toHaveBeenCalled();
  });
});
