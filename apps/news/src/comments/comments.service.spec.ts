import type { articleV1, commentV1 } from '@app/contracts';
import { AppError, ErrorKind } from '@app/grpc';
import type { Snowflake } from '@app/snowflake';
import { Logger } from '@nestjs/common';

import type { ArticlesService } from '../articles/articles.service';
import type { CommentCounters } from './comment-counters';
import type { CommentItemsCache } from './comment-items.cache';
import type { CommentLikingsService } from './comment-likings.service';
import type { CommentListsCache } from './comment-lists.cache';
import type { CommentRateLimiter } from './comment-rate-limiter';
import type { CommentNotifier } from './comment.notifier';
import type { CommentsRepository, NewComment } from './comments.repository';
import { CommentsService } from './comments.service';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ART = '1300000000000000001';
const COMMENT = '1400000000000000001';

type BeforeCommit = (stored: NewComment) => Promise<void>;

function newTestService(article: Partial<articleV1.ArticleInfo> = {}) {
  const limiter = {
    take: jest.fn<Promise<boolean>, [string, number]>().mockResolvedValue(true),
    giveBack: jest.fn<Promise<void>, [string, number]>().mockResolvedValue(undefined),
  };
  const repository = {
    create: jest.fn(
      async (comment: NewComment, beforeCommit: BeforeCommit): Promise<NewComment | null> => {
        await beforeCommit(comment);
        return comment;
      },
    ),
  };
  const info = { artId: ART, autId: AUTHOR, title: 'an article', allowComm: true, ...article };
  const articles = { getInfo: jest.fn().mockResolvedValue(info) };
  const counters = {
    commentCreated: jest
      .fn<Promise<void>, [string, string | null, number?]>()
      .mockResolvedValue(undefined),
  };
  const items = { put: jest.fn().mockResolvedValue(undefined) };
  const lists = { addIfCached: jest.fn().mockResolvedValue(undefined) };
  const notifier = { send: jest.fn() };
  const service = new CommentsService(
    repository as unknown as CommentsRepository,
    articles as unknown as ArticlesService,
    lists as unknown as CommentListsCache,
    items as unknown as CommentItemsCache,
    {} as CommentLikingsService,
    counters as unknown as CommentCounters,
    notifier as unknown as CommentNotifier,
    limiter as unknown as CommentRateLimiter,
    { nextId: () => '1500000000000000001' } as unknown as Snowflake,
  );
  return { service, limiter, repository, counters, notifier };
}

const comment = (
  overrides: Partial<commentV1.CreateCommentRequest> = {},
): commentV1.CreateCommentRequest => ({
  userId: READER,
  target: ART,
  content: 'hello',
  artId: '',
  userName: 'reader',
  userPhoto: '',
  ...overrides,
});

const kindOf = (failure: Promise<unknown>) =>
  failure.then(
    () => 'answered',
    (error: unknown) => (error instanceof AppError ? error.kind : String(error)),
  );

describe('CommentsService.create within the account limit', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('refuses a comment past the limit before anything is stored, counted or notified', async () => {
    const { service, limiter, repository, counters, notifier } = newTestService();
    limiter.take.mockResolvedValue(false);
    expect(await kindOf(service.create(comment()))).toBe(ErrorKind.RateLimited);
    expect(repository.create).not.toHaveBeenCalled();
    expect(counters.commentCreated).not.toHaveBeenCalled();
    expect(notifier.send).not.toHaveBeenCalled();
    expect(limiter.giveBack).not.toHaveBeenCalled();
  });

  it('takes nothing for a comment refused as bad input', async () => {
    const { service, limiter } = newTestService({ allowComm: false });
    expect(await kindOf(service.create(comment({ content: ' ' })))).toBe(ErrorKind.InvalidArgument);
    expect(await kindOf(service.create(comment()))).toBe(ErrorKind.InvalidArgument);
    expect(await kindOf(service.create(comment({ target: 'x', artId: ART })))).toBe(
      ErrorKind.InvalidArgument,
    );
    expect(limiter.take).not.toHaveBeenCalled();
  });

  it('takes one for a stored comment and gives nothing back, even when notifying its author fails after', async () => {
    const { service, limiter, notifier } = newTestService();
    notifier.send.mockImplementation(() => {
      throw new Error('im is down');
    });
    expect(await kindOf(service.create(comment()))).toBe('Error: im is down');
    expect(limiter.take).toHaveBeenCalledTimes(1);
    expect(limiter.giveBack).not.toHaveBeenCalled();
  });

  it.each([
    [
      'MySQL fails the insert',
      (repository: ReturnType<typeof newTestService>['repository']) =>
        repository.create.mockRejectedValue(new Error('mysql gone')),
    ],
    [
      'a reply finds no comment to answer',
      (repository: ReturnType<typeof newTestService>['repository']) =>
        repository.create.mockResolvedValue(null),
    ],
  ])('gives back once what it took, on the day it took it, when %s', async (_case, fail) => {
    const { service, limiter, repository } = newTestService();
    fail(repository);
    expect(await kindOf(service.create(comment({ target: COMMENT, artId: ART })))).not.toBe(
      'answered',
    );
    expect(limiter.giveBack).toHaveBeenCalledTimes(1);
    expect(limiter.giveBack).toHaveBeenCalledWith(READER, limiter.take.mock.calls[0][1]);
  });

  it('gives back once when the counters fail inside the transaction, and answers their error', async () => {
    const { service, limiter, counters } = newTestService();
    counters.commentCreated.mockRejectedValueOnce(
      new AppError(ErrorKind.Unavailable, 'state redis down'),
    );
    expect(await kindOf(service.create(comment()))).toBe(ErrorKind.Unavailable);
    expect(limiter.giveBack).toHaveBeenCalledTimes(1);
  });

  it('answers the failure itself when the give-back fails too', async () => {
    const { service, limiter, repository } = newTestService();
    repository.create.mockRejectedValue(new AppError(ErrorKind.Unavailable, 'mysql gone'));
    limiter.giveBack.mockRejectedValue(new Error('redis gone'));
    expect(await kindOf(service.create(comment()))).toBe(ErrorKind.Unavailable);
  });
});
