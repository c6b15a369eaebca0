import type { articleV1, commentV1 } from '@app/contracts';
import { AppError, ErrorKind } from '@app/grpc';

import { ArticleStatus } from '../articles/article.entity';
import type { ArticlesService } from '../articles/articles.service';
import { CommentStatus } from '../comments/comment.entity';
import type { CommentsService } from '../comments/comments.service';
import type { CommentModerationCache } from './comment-moderation.cache';
import type {
  ArticleOwnership,
  CommentModerationRepository,
  DeleteOutcome,
  ModeratedComment,
} from './comment-moderation.repository';
import { CommentModerationService } from './comment-moderation.service';

const AUTHOR = '1294287382374383616';
const STRANGER = '1294287382374383617';
const ARTICLE = '1300000000000000001';
const COMMENT = '1320000000000000001';
const PARENT = '1320000000000000002';

const info = (overrides: Partial<articleV1.ArticleInfo> = {}): articleV1.ArticleInfo => ({
  artId: ARTICLE,
  title: 'title',
  autId: AUTHOR,
  pubdate: '2024-01-01T00:00:00.000Z',
  chId: 1,
  allowComm: true,
  cover: { type: 0, images: [] },
  ...overrides,
});

const moderated = (overrides: Partial<ModeratedComment> = {}): ModeratedComment => ({
  id: COMMENT,
  articleId: ARTICLE,
  parentId: null,
  status: CommentStatus.Approved,
  isTop: false,
  articleAuthorId: AUTHOR,
  ...overrides,
});

function newTestService(
  options: {
    article?: ArticleOwnership | null;
    comment?: ModeratedComment | null;
    info?: articleV1.ArticleInfo | null;
    deleted?: DeleteOutcome;
    stickyChanged?: boolean;
  } = {},
) {
  const repository = {
    findArticle: jest.fn(() =>
      Promise.resolve(
        options.article === undefined
          ? { authorId: AUTHOR, status: ArticleStatus.Approved }
          : options.article,
      ),
    ),
    findComment: jest.fn(() =>
      Promise.resolve(options.comment === undefined ? moderated() : options.comment),
    ),
    setAllowComment: jest.fn(() => Promise.resolve()),
    deleteComment: jest.fn(() => Promise.resolve(options.deleted ?? 'counted')),
    setSticky: jest.fn(() => Promise.resolve(options.stickyChanged ?? true)),
  };
  const cache = {
    articleChanged: jest.fn(() => Promise.resolve()),
    commentChanged: jest.fn(() => Promise.resolve()),
    commentUncounted: jest.fn(() => Promise.resolve()),
  };
  const articles = {
    getInfo: jest.fn(() => Promise.resolve(options.info === undefined ? info() : options.info)),
  };
  const page: commentV1.ListCommentsResponse = {
    totalCount: 0,
    endId: '',
    lastId: '',
    results: [],
  };
  const comments = {
    list: jest.fn(() => Promise.resolve(page)),
    create: jest.fn((request: commentV1.CreateCommentRequest) =>
      Promise.resolve({
        comment: { comId: '1320000000000000009' },
        target: request.target,
        artId: request.artId,
      }),
    ),
  };
  const service = new CommentModerationService(
    repository as unknown as CommentModerationRepository,
    cache as unknown as CommentModerationCache,
    articles as unknown as ArticlesService,
    comments as unknown as CommentsService,
  );
  return { service, repository, cache, comments };
}

async function errorOf(promise: Promise<unknown>): Promise<{ kind: ErrorKind; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { kind: error.kind, message: error.message };
}

describe('CommentModerationService', () => {
  it('changes allow_comment of an own approved article and clears its info cache', async () => {
    const { service, repository, cache } = newTestService();
    await expect(
      service.setCommentStatus({ authorId: AUTHOR, articleId: ARTICLE, allowComment: false }),
    ).resolves.toEqual({
      articleId: ARTICLE,
      allowComment: false,
    });
    expect(repository.setAllowComment).toHaveBeenCalledWith(ARTICLE, false);
    expect(cache.articleChanged).toHaveBeenCalledWith(ARTICLE);
  });

  it.each([
    { authorId: STRANGER, status: ArticleStatus.Approved },
    { authorId: AUTHOR, status: ArticleStatus.PendingReview },
    { authorId: AUTHOR, status: ArticleStatus.Deleted },
    null,
  ])(
    'refuses the status change of %j with 400 Invalid article status. and changes nothing',
    async (article) => {
      const { service, repository, cache } = newTestService({ article });
      expect(
        await errorOf(
          service.setCommentStatus({ authorId: AUTHOR, articleId: ARTICLE, allowComment: false }),
        ),
      ).toEqual({ kind: ErrorKind.InvalidArgument, message: 'Invalid article status.' });
      expect(repository.setAllowComment).not.toHaveBeenCalled();
      expect(cache.articleChanged).not.toHaveBeenCalled();
    },
  );

  it('lists only after proving ownership, as the author, with the article for type a', async () => {
    const owned = newTestService();
    const page = await owned.service.listArticleComments({
      authorId: AUTHOR,
      type: 'a',
      source: ARTICLE,
      offset: '',
      limit: 10,
    });
    expect(page).toMatchObject({
      artId: ARTICLE,
      artTitle: 'title',
      artPubdate: '2024-01-01T00:00:00.000Z',
    });
    expect(owned.comments.list).toHaveBeenCalledWith({
      type: 'a',
      source: ARTICLE,
      offset: '',
      limit: 10,
      userId: AUTHOR,
    });

    const foreign = newTestService({ comment: moderated({ articleAuthorId: STRANGER }) });
    const error = await errorOf(
      foreign.service.listArticleComments({
        authorId: AUTHOR,
        type: 'c',
        source: COMMENT,
        offset: '',
        limit: 10,
      }),
    );
    expect(error).toEqual({ kind: ErrorKind.InvalidArgument, message: 'Invalid source param.' });
    expect(foreign.comments.list).not.toHaveBeenCalled();
  });

  it('replies only to comments of own articles that allow comments', async () => {
    const closed = newTestService({ info: info({ allowComm: false }) });
    expect(
      await errorOf(
        closed.service.replyComment({
          authorId: AUTHOR,
          target: COMMENT,
          content: 'x',
          artId: ARTICLE,
        }),
      ),
    ).toEqual({
      kind: ErrorKind.PermissionDenied,
      message: 'Article denied comment.',
    });
    expect(
      await errorOf(
        closed.service.replyComment({
          authorId: AUTHOR,
          target: COMMENT,
          content: ' ',
          artId: ARTICLE,
        }),
      ),
    ).toEqual({ kind: ErrorKind.InvalidArgument, message: 'Empty content.' });
    const foreign = newTestService({ info: info({ autId: STRANGER, allowComm: false }) });
    expect(
      await errorOf(
        foreign.service.replyComment({
          authorId: AUTHOR,
          target: COMMENT,
          content: 'x',
          artId: ARTICLE,
        }),
      ),
    ).toEqual({ kind: ErrorKind.InvalidArgument, message: 'Invalid target comment id.' });
    const nowhere = newTestService({ info: null });
    expect(
      await errorOf(
        nowhere.service.replyComment({
          authorId: AUTHOR,
          target: COMMENT,
          content: 'x',
          artId: ARTICLE,
        }),
      ),
    ).toEqual({ kind: ErrorKind.InvalidArgument, message: 'Invalid target comment id.' });
    const topLevel = newTestService();
    expect(
      (
        await errorOf(
          topLevel.service.replyComment({
            authorId: AUTHOR,
            target: ARTICLE,
            content: 'x',
            artId: ARTICLE,
          }),
        )
      ).kind,
    ).toBe(ErrorKind.InvalidArgument);
    for (const { comments } of [closed, foreign, nowhere, topLevel])
      expect(comments.create).not.toHaveBeenCalled();

    const open = newTestService();
    await expect(
      open.service.replyComment({
        authorId: AUTHOR,
        target: COMMENT,
        content: 'x',
        artId: ARTICLE,
      }),
    ).resolves.toEqual({
      comId: '1320000000000000009',
      target: COMMENT,
      artId: ARTICLE,
    });
  });

  it('decrements the counters only when the delete really removed a counted comment, and always clears caches', async () => {
    const counted = newTestService({ comment: moderated({ parentId: PARENT }) });
    await counted.service.deleteComment({ authorId: AUTHOR, commentId: COMMENT });
    expect(counted.cache.commentUncounted).toHaveBeenCalledWith(moderated({ parentId: PARENT }));
    expect(counted.cache.commentChanged).toHaveBeenCalledTimes(2);

    for (const deleted of ['unchanged', 'uncounted'] as const) {
      const again = newTestService({ deleted });
      await again.service.deleteComment({ authorId: AUTHOR, commentId: COMMENT });
      expect(again.cache.commentUncounted).not.toHaveBeenCalled();
      expect(again.cache.commentChanged).toHaveBeenCalledTimes(2);
    }
  });

  it('lets only the article author delete or stick a comment', async () => {
    const { service, repository } = newTestService({
      comment: moderated({ articleAuthorId: STRANGER }),
    });
    const expected = {
      kind: ErrorKind.PermissionDenied,
      message: 'User has no permission to delete this comment.',
    };
    expect(await errorOf(service.deleteComment({ authorId: AUTHOR, commentId: COMMENT }))).toEqual(
      expected,
    );
    expect(
      await errorOf(service.setSticky({ authorId: AUTHOR, commentId: COMMENT, sticky: true })),
    ).toEqual(expected);
    expect(repository.deleteComment).not.toHaveBeenCalled();
    expect(repository.setSticky).not.toHaveBeenCalled();
  });

  it('clears the list cache before and after setting is_top, also when it stays as it was', async () => {
    const changed = newTestService();
    await expect(
      changed.service.setSticky({ authorId: AUTHOR, commentId: COMMENT, sticky: true }),
    ).resolves.toEqual({ target: COMMENT, sticky: true });
    expect(changed.cache.commentChanged).toHaveBeenCalledTimes(2);
    const same = newTestService({ stickyChanged: false });
    await same.service.setSticky({ authorId: AUTHOR, commentId: COMMENT, sticky: true });
    expect(same.cache.commentChanged).toHaveBeenCalledTimes(2);
    const deleted = newTestService({ comment: moderated({ status: CommentStatus.Deleted }) });
    expect(
      (
        await errorOf(
          deleted.service.setSticky({ authorId: AUTHOR, commentId: COMMENT, sticky: true }),
        )
      ).kind,
    ).toBe(ErrorKind.InvalidArgument);
  });
});
