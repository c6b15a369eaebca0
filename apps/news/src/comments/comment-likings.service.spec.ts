import { Logger } from '@nestjs/common';

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
    fence: jest.fn<Promise<string>, [string]>().mockResolvedValue('fence-1'),
    fill: jest.fn().mockResolvedValue(true),
    invalidate: jest.fn().mockResolvedValue(undefined),
  };
  const counters = { likeChanged: jest.fn().mockResolvedValue(undefined) };
  const service = new CommentLikingsService(
    repository as unknown as CommentLikingsRepository,
    counters as unknown as CommentCounters,
    cache as unknown as CommentLikingsCache,
  );
  return { service, repository, cache, counters };
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
    expect(cache.fill).toHaveBeenCalledWith(READER, 'fence-1', [LIKED, LIKED_ELSEWHERE]);
    expect(cache.fence.mock.invocationCallOrder[0]).toBeLessThan(
      repository.likedCommentIds.mock.invocationCallOrder[0],
    );
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

describe('CommentLikingsService like and unlike', () => {
  const redisDown = new Error('Connection is closed.');

  it("counts a new like and an unlike once each, and drops the liker's cached likings", async () => {
    const { service, repository, counters, cache } = newTestService();
    await service.like(READER, LIKED);
    repository.like.mockResolvedValue('unchanged');
    await service.like(READER, LIKED);
    await service.unlike(READER, LIKED);
    expect(counters.likeChanged.mock.calls).toEqual([
      [LIKED, 1],
      [LIKED, -1],
    ]);
    expect(cache.invalidate).toHaveBeenCalledTimes(3);
  });

  it('takes the like (or the unlike) back and fails when the counter cannot move', async () => {
    const { service, repository, counters } = newTestService();
    counters.likeChanged.mockRejectedValue(redisDown);
    await expect(service.like(READER, LIKED)).rejects.toBe(redisDown);
    expect(repository.unlike).toHaveBeenCalledWith(READER, LIKED);
    await expect(service.unlike(READER, LIKED)).rejects.toBe(redisDown);
    expect(repository.like).toHaveBeenLastCalledWith(READER, LIKED);
  });

  it('keeps a counted like when only the cache cannot be dropped', async () => {
    const { service, repository, cache } = newTestService();
    cache.invalidate.mockRejectedValue(redisDown);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(service.like(READER, LIKED)).resolves.toBeUndefined();
    expect(repository.unlike).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('was not dropped'));
    logged.mockRestore();
  });
});
