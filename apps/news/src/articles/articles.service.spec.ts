import { CacheKeys, type CachePolicy, type TwoLevelCache } from '@app/cache';
import { AppError, ErrorKind } from '@app/grpc';

import type { ArticleDetailRow, ArticleInfoRow, ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import type { UserArticlesCache } from './user-articles.cache';

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

function newTestService(options: { cached?: Record<string, unknown>; rows?: ArticleInfoRow[]; detail?: ArticleDetailRow | null } = {}) {
  const sets: Array<[string, unknown]> = [];
  const cache = {
    peekMany: jest.fn((keys: string[]) => Promise.resolve(keys.map((key) => options.cached?.[key]))),
    set: jest.fn((key: string, value: unknown) => {
      sets.push([key, value]);
      return Promise.resolve();
    }),
    get: jest.fn(async (_key: string, load: () => Promise<unknown>, _policy: CachePolicy) => load()),
  };
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const repository = {
    findApprovedInfos: jest.fn(async (ids: readonly string[]) => {
      await gate;
      return (options.rows ?? []).filter((candidate) => ids.includes(candidate.id));
    }),
    findApprovedDetail: jest.fn(() => Promise.resolve(options.detail ?? null)),
    findApprovedByAuthor: jest.fn(() => Promise.resolve(options.rows ?? [])),
    findLatestIds: jest.fn(() => Promise.resolve([])),
  };
  const userArticles = { page: jest.fn(() => Promise.resolve(undefined)), fill: jest.fn(() => Promise.resolve()) };
  const service = new ArticlesService(
    repository as unknown as ArticlesRepository,
    cache as unknown as TwoLevelCache,
    userArticles as unknown as UserArticlesCache,
  );
  return { service, cache, repository, userArticles, sets, release };
}

describe('ArticlesService', () => {
  it('loads every card miss with one query, caches each, and marks ids that are not approved', async () => {
    const cachedB = { artId: B, title: 'cached' };
    const { service, repository, sets, release } = newTestService({
      cached: { [CacheKeys.articleInfo(B)]: cachedB, [CacheKeys.articleInfo('1300000000000000009')]: null },
      rows: [row(A)],
    });
    release();
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

  it('lets concurrent requests for the same cold cards share one query', async () => {
    const { service, repository, release } = newTestService({ rows: [row(A), row(B)] });
    const first = service.getInfos([A, B]);
    const second = service.getInfos([B, A]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect((await first).map((info) => info.artId)).toEqual([A, B]);
    expect((await second).map((info) => info.artId)).toEqual([B, A]);
    expect(repository.findApprovedInfos).toHaveBeenCalledTimes(1);
  });

  it('answers NOT_FOUND for a malformed id without touching the cache', async () => {
    const { service, cache } = newTestService();
    const error = await service.getDetail('12abc').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).kind, (error as AppError).message]).toEqual([ErrorKind.NotFound, 'The article does not exist.']);
    expect(cache.get).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND for an article the loader does not find', async () => {
    const { service } = newTestService({ detail: null });
    await expect(service.getDetail(A)).rejects.toThrow('The article does not exist.');
  });

  it('serves the detail with pubdate as an ISO UTC instant', async () => {
    const { service } = newTestService({
      detail: { id: A, userId: AUTHOR, channelId: 2, title: 't', createTime: new Date('2019-03-11T16:30:05Z'), content: '<p/>' },
    });
    expect(await service.getDetail(A)).toEqual({ artId: A, title: 't', pubdate: '2019-03-11T16:30:05.000Z', content: '<p/>', autId: AUTHOR, chId: 2 });
  });

  it('pages an author list from MySQL newest first on a cache miss and fills the cache', async () => {
    const rows = Array.from({ length: 12 }, (_, index) => row(`13000000000000010${String(index).padStart(2, '0')}`, `2019-04-${String(index + 1).padStart(2, '0')}T00:00:00Z`));
    const { service, userArticles } = newTestService({ rows });
    const page = await service.listByAuthor(AUTHOR, 2, 10);
    expect(page).toEqual({ totalCount: 12, articleIds: [rows[1].id, rows[0].id] });
    expect(userArticles.fill).toHaveBeenCalledWith(AUTHOR, rows);
  });
});
