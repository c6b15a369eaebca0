import { CacheKeys, type TwoLevelCache } from '@app/cache';
import { AppError, ErrorKind } from '@app/grpc';

import type {
  AnnouncementDetail,
  AnnouncementSummary,
  AnnouncementsRepository,
} from './announcements.repository';
import { AnnouncementsService } from './announcements.service';

const summaries: AnnouncementSummary[] = Array.from({ length: 12 }, (_, i) => ({
  id: 12 - i,
  title: `公告 ${12 - i}`,
  pubdate: new Date(Date.UTC(2026, 0, 12 - i)).toISOString(),
}));

function newTestService() {
  const repository = {
    findPublished: jest.fn().mockResolvedValue(summaries),
    findPublishedById: jest.fn((id: number): Promise<AnnouncementDetail | null> => {
      const found = summaries.find((summary) => summary.id === id);
      return Promise.resolve(found ? { ...found, content: 'text' } : null);
    }),
  };
  const keys: string[] = [];
  const cache = {
    get: jest.fn(<T>(key: string, load: () => Promise<T | null>) => {
      keys.push(key);
      return load();
    }),
  };
  const service = new AnnouncementsService(
    repository as unknown as AnnouncementsRepository,
    cache as unknown as TwoLevelCache,
  );
  return { service, repository, keys };
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('AnnouncementsService', () => {
  it('pages the cached published list, 10 per page by default', async () => {
    const { service, keys } = newTestService();
    const first = await service.list(0, 0);
    expect(first.totalCount).toBe(12);
    expect(first.results.map((item) => item.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    const second = await service.list(2, 10);
    expect(second.results.map((item) => item.id)).toEqual([2, 1]);
    expect(keys).toEqual([CacheKeys.announcements(), CacheKeys.announcements()]);
  });

  it('answers a page past the end with no results', async () => {
    const { service } = newTestService();
    await expect(service.list(5, 10)).resolves.toEqual({ totalCount: 12, results: [] });
  });

  it('rejects per_page outside 10-50', async () => {
    const { service } = newTestService();
    expect((await errorOf(service.list(1, 9))).kind).toBe(ErrorKind.InvalidArgument);
    expect((await errorOf(service.list(1, 51))).kind).toBe(ErrorKind.InvalidArgument);
  });

  it('reads one announcement through `announcement:{id}`', async () => {
    const { service, keys } = newTestService();
    await expect(service.get(3)).resolves.toEqual({ ...summaries[9], content: 'text' });
    expect(keys).toEqual([CacheKeys.announcement(3)]);
  });

  it('answers "Invalid announcement." for unknown, unpublished and impossible ids', async () => {
    const { service, repository } = newTestService();
    for (const id of [99, 0, -1, 1.5, 2 ** 31]) {
      const error = await errorOf(service.get(id));
      expect(error.kind).toBe(ErrorKind.InvalidArgument);
      expect(error.message).toBe('Invalid announcement.');
    }
    expect(repository.findPublishedById).toHaveBeenCalledTimes(1);
  });
});
