import { CacheKeys, type CachePolicy, type TwoLevelCache } from '@app/cache';
import { AppError, ErrorKind } from '@app/grpc';

import type {
  ArticleDetailRow,
  ArticleInfoRow,
  ArticlesRepository,
  AuthoredArticle,
} from './articles.repository';
import { ArticlesService } from './articles.service';
import type { CachedArticlePage, UserArticlesCache } from './user-articles.cache';

const A = '1300000000000000001';
const B = '1300000000000000002';
const C = '1300000000000000003';
const AUTHOR = '1294287382374383616';

const row = (id: string, createdAt = '2019-03-11T16:30:05Z'): ArticleInfoRow => ({
  id,
  userId: AUTHOR,
  channelId: 1,
  title: `title ${id}`,
  cover: { type: 1, images: ['http://img/x.png'] },
  allowComment: true,
  createTime: new Date(createdAt),
});

const detailRow = (id: string, channelId = 2): ArticleDetailRow => ({
  id,
  userId: AUTHOR,
  channelId,
  title: `title ${id}`,
  createTime: new Date('2019-03-11T16:30:05Z'),
  content: '<p/>',
});

function newTestService(
  options: {
    cached?: Record<string, unknown>;
    rows?: ArticleInfoRow[];
    details?: ArticleDetailRow[];
  } = {},
) {
  const sets: Array<[string, unknown]> = [];
  // TwoLevelCache.getMany as its int spec pins it down: cached values as they are, one load for the rest.
  const cache = {
    getMany: jest.fn(
      async <T>(
        ids: readonly string[],
        keyOf: (id: string) => string,
        load: (ids: string[]) => Promise<Map<string, T>>,
        _policy: CachePolicy,
      ) => {
        const values = new Map<string, T | null>();
        const misses = ids.filter((id) => !(options.cached && keyOf(id) in options.cached));
        for (const id of ids)
          if (!misses.includes(id)) values.set(id, options.cached?.[keyOf(id)] as T | null);
        if (misses.length === 0) return values;
        const loaded = await load(misses);
        for (const id of misses) {
          sets.push([keyOf(id), loaded.get(id) ?? null]);
          values.set(id, loaded.get(id) ?? null);
        }
        return values;
      },
    ),
  };
  const repository = {
    findApprovedInfos: jest.fn((ids: readonly string[]) =>
      Promise.resolve((options.rows ?? []).filter((candidate) => ids.includes(candidate.id))),
    ),
    findApprovedDetails: jest.fn((ids: readonly string[]) =>
      Promise.resolve((options.details ?? []).filter((candidate) => ids.includes(candidate.id))),
    ),
    approvedByAuthorInChunks: jest.fn(async function* () {
      yield await Promise.resolve(
        (options.rows ?? []).map(({ id, createTime }) => ({ id, createTime })),
      );
    }),
    findLatestIds: jest.fn(() => Promise.resolve([])),
  };
  const userArticles = {
    page: jest.fn((): Promise<CachedArticlePage | undefined> => Promise.resolve(undefined)),
    replace: jest.fn((_author: string, _chunks: AsyncIterable<AuthoredArticle[]>) =>
      Promise.resolve(0),
    ),
    drop: jest.fn((_author: string) => Promise.resolve()),
  };
  const service = new ArticlesService(
    repository as unknown as ArticlesRepository,
    cache as unknown as TwoLevelCache,
    userArticles as unknown as UserArticlesCache,
  );
  return { service, cache, repository, userArticles, sets };
}

describe('ArticlesService', () => {
  it('loads every card miss with one query, caches each, and marks ids that are not approved', async () => {
    const cachedB = { artId: B, title: 'cached' };
    const { service, repository, sets } = newTestService({
      cached: {
        [CacheKeys.articleInfo(B)]: cachedB,
        [CacheKeys.articleInfo('1300000000000000009')]: null,
      },
      rows: [row(A)],
    });
    const infos = await service.getInfos([A, 'nope', B, C, '1300000000000000009']);
    expect(infos.map((info) => info.artId)).toEqual([A, B]);
    expect(infos[0]).toEqual({
      artId: A,
      title: `title ${A}`,
      autId: AUTHOR,
      pubdate: '2019-03-11T16:30:05.000Z',
      chId: 1,
      allowComm: true,
      cover: { type: 1, images: ['http://img/x.png'] },
    });
    expect(repository.findApprovedInfos).toHaveBeenCalledTimes(1);
    expect(repository.findApprovedInfos).toHaveBeenCalledWith([A, C]);
    expect(sets.map(([key, value]) => [key, value === null ? null : 'value'])).toEqual([
      [CacheKeys.articleInfo(A), 'value'],
      [CacheKeys.articleInfo(C), null],
    ]);
  });

  it('loads every detail miss with one query and answers the approved ones in the order asked', async () => {
    const { service, repository, sets } = newTestService({
      cached: { [CacheKeys.articleDetail(B)]: { artId: B, title: 'cached' } },
      details: [detailRow(A), detailRow(C, 3)],
    });
    const details = await service.getDetails([C, 'nope', B, '1300000000000000009', A, C]);
    expect(details.map((detail) => [detail.artId, detail.title, detail.chId])).toEqual([
      [C, `title ${C}`, 3],
      [B, 'cached', undefined],
      [A, `title ${A}`, 2],
      [C, `title ${C}`, 3],
    ]);
    expect(repository.findApprovedDetails.mock.calls).toEqual([[[C, '1300000000000000009', A]]]);
    expect(sets.map(([key, value]) => [key, value === null ? null : 'value'])).toEqual([
      [CacheKeys.articleDetail(C), 'value'],
      [CacheKeys.articleDetail('1300000000000000009'), null],
      [CacheKeys.articleDetail(A), 'value'],
    ]);
  });

  it('asks for at most 100 details at once', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => `13000000000000${String(10000 + index)}`);
    const { service, repository } = newTestService();
    expect(await service.getDetails(ids)).toEqual([]);
    expect(repository.findApprovedDetails.mock.calls[0][0]).toEqual(ids.slice(0, 100));
  });

  it('answers NOT_FOUND for a malformed id without touching the cache', async () => {
    const { service, cache } = newTestService();
    const error = await service.getDetail('12abc').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).kind, (error as AppError).message]).toEqual([
      ErrorKind.NotFound,
      'The article does not exist.',
    ]);
    expect(cache.getMany).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND for an article the loader does not find', async () => {
    const { service } = newTestService({ details: [] });
    await expect(service.getDetail(A)).rejects.toThrow('The article does not exist.');
  });

  it('serves the detail with pubdate as an ISO UTC instant', async () => {
    const { service } = newTestService({ details: [detailRow(A)] });
    expect(await service.getDetail(A)).toEqual({
      artId: A,
      title: `title ${A}`,
      pubdate: '2019-03-11T16:30:05.000Z',
      content: '<p/>',
      autId: AUTHOR,
      chId: 2,
    });
  });

  it('fills a missed author list into the cache from its chunks, then pages it from there', async () => {
    const rows = [row(A, '2019-04-01T00:00:00Z'), row(B, '2019-04-02T00:00:00Z')];
    const { service, repository, userArticles } = newTestService({ rows });
    userArticles.page
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce({ total: 2, ids: [B] });
    userArticles.replace.mockImplementation(
      async (_author: string, chunks: AsyncIterable<AuthoredArticle[]>) => {
        let listed = 0;
        for await (const chunk of chunks) listed += chunk.length;
        return listed;
      },
    );
    expect(await service.listByAuthor(AUTHOR, 1, 1)).toEqual({ totalCount: 2, articleIds: [B] });
    expect(repository.approvedByAuthorInChunks).toHaveBeenCalledWith(AUTHOR);
    expect(userArticles.replace).toHaveBeenCalledTimes(1);
    expect(userArticles.page).toHaveBeenNthCalledWith(2, AUTHOR, 0, 1);
  });

  it('reads a cached list that holds an article no longer approved again from MySQL, once', async () => {
    const { service, userArticles } = newTestService({ rows: [row(A)] });
    userArticles.page.mockResolvedValue({ total: 2, ids: [C, A] });
    userArticles.replace.mockResolvedValue(2);
    expect(await service.listByAuthor(AUTHOR, 1, 10)).toEqual({
      totalCount: 2,
      articleIds: [C, A],
    });
    expect(userArticles.drop).toHaveBeenCalledTimes(1);
    expect(userArticles.replace).toHaveBeenCalledTimes(1);
    expect(userArticles.page).toHaveBeenCalledTimes(2);
  });

  it('answers an author without articles after one fill, and UNAVAILABLE when the list is dropped after every fill', async () => {
    const { service, userArticles } = newTestService();
    expect(await service.listByAuthor(AUTHOR, 1, 10)).toEqual({ totalCount: 0, articleIds: [] });
    expect(userArticles.replace).toHaveBeenCalledTimes(1);

    userArticles.replace.mockClear();
    userArticles.replace.mockResolvedValue(5);
    const error = await service.listByAuthor(AUTHOR, 1, 10).catch((caught: unknown) => caught);
    expect([(error as AppError).kind, (error as AppError).message]).toEqual([
      ErrorKind.Unavailable,
      'The articles could not be listed now.',
    ]);
    expect(userArticles.replace).toHaveBeenCalledTimes(3);
    expect(userArticles.page).toHaveBeenCalledTimes(1 + 4);
  });
});
