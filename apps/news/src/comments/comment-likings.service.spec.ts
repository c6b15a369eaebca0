import type { CommentCounters } from './comment-counters';
import type { CommentLikingsCache } from './comment-likings.cache';
import type { CommentLikingsRepository } from './comment-likings.repository';
import { CommentLikingsService, MAX_CACHED_COMMENT_LIKINGS } from './comment-likings.service';

const READER = '1294287382374383617';
const [LIKED, NOT_LIKED, LIKED_ELSEWHERE] = [
  '1400000000000000001',
  '1400000000000000002',
  '1400000000000000003',
];

function newTestService() {
  const repository = {
    like: jest.fn().mockResolvedValue('liked'),
    unlike: jest.fn().mockResolvedValue(true),
    likedCommentIds: jest.fn<Promise<string[]>, [string, number]>().mockResolvedValue([]),
    likedAmong: jest.fn<Promise<string[]>, [string, readonly string[]]>().mockResolvedValue([]),
  };
  const cache = {
    likedAmong: jest
      .fn<Promise<Set<string> | undefined>, [string, readonly string[]]>()
      .mockResolvedValue(undefined),
    fill: jest.fn().mockResolvedValue(undefined),
    invalidate: jest.fn().mockResolvedValue(undefined),
  };
  const counters = { likeChanged: jest.fn().mockResolvedValue(undefined) };
  const service = new CommentLikingsService(
    repository as unknown as CommentLikingsRepository,
    counters as unknown as CommentCounters,
    cache as unknown as CommentLikingsCache,
  );
  return { service, repository, cache };
}

describe('CommentLikingsService likedAmong', () => {
  it('answers from the cached set without MySQL, and asks nothing for no comments', async () => {
    const { service, repository, cache } = newTestService();
    cache.likedAmong.mockResolvedValue(new Set([LIKED]));
    expect(await service.likedAmong(READER, [LIKED, NOT_LIKED])).toEqual(new Set([LIKED]));
    expect(await service.likedAmong(READER, [])).toEqual(new Set());
    expect(cache.likedAmong).toHaveBeenCalledTimes(1);
    expect(repository.likedCommentIds).not.toHaveBeenCalled();
    expect(repository.likedAmong).not.toHaveBeenCalled();
  });

  it("caches a user's few likings whole on a miss", async () => {
    const { service, repository, cache } = newTestService();
    repository.likedCommentIds.mockResolvedValue([LIKED, LIKED_ELSEWHERE]);
    expect(await service.likedAmong(READER, [LIKED, NOT_LIKED])).toEqual(new Set([LIKED]));
    expect(repository.likedCommentIds).toHaveBeenCalledWith(READER, MAX_CACHED_COMMENT_LIKINGS);
    expect(cache.fill).toHaveBeenCalledWith(READER, [LIKED, LIKED_ELSEWHERE]);
    expect(repository.likedAmong).not.toHaveBeenCalled();
  });

  it('answers a user with too many likings for the asked comments only, reading them all once and caching nothing', async () => {
    const { service, repository, cache } = newTestService();
    repository.likedCommentIds.mockResolvedValue(
      Array.from({ length: MAX_CACHED_COMMENT_LIKINGS + 1 }, (_, index) =>
        String(1_400_000_000_000_001_000n + BigInt(index)),
      ),
    );
    repository.likedAmong.mockResolvedValue([LIKED]);
    expect(await service.likedAmong(READER, [LIKED, NOT_LIKED])).toEqual(new Set([LIKED]));
    expect(await service.likedAmong(READER, [LIKED, NOT_LIKED])).toEqual(new Set([LIKED]));
    expect(repository.likedCommentIds).toHaveBeenCalledTimes(1);
    expect(repository.likedAmong).toHaveBeenCalledTimes(2);
    expect(repository.likedAmong).toHaveBeenCalledWith(READER, [LIKED, NOT_LIKED]);
    expect(cache.fill).not.toHaveBeenCalled();
  });
});
