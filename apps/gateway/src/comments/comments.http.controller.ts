import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { errorMessage } from '@app/config';
import type { commentV1 } from '@app/contracts';
import { AppError, COMMENT_GRPC, InjectGrpcClient, ListCommentsQueryDto, unary } from '@app/grpc';
import { Body, Controller, Get, Logger, Post, Query } from '@nestjs/common';

import { type Author, AuthorsReader } from '../articles/authors.reader';
import {
  type CommentItem,
  CommentItemPresenter,
  type NewCommentItem,
} from './comment-item.presenter';
import { CommentPageReader } from './comment-page.reader';
import { CreateCommentDto } from './dto/create-comment.dto';
import { commentedArticleId, FanCommentCheck } from './fan-comment.check';

const DEFAULT_LIMIT = 10;

/** A comment page (reference 4.4): the cursor values are scores written as exact integers. */
export interface CommentPage {
  total_count: number;
  end_id: string | null;
  last_id: string | null;
  results: CommentItem[];
}

export interface CreatedComment {
  com_id: string;
  target: string;
  art_id: string;
  new_obj: NewCommentItem;
}

@Controller('v1_0')
export class CommentsHttpController {
  private readonly logger = new Logger(CommentsHttpController.name);

  constructor(
    private readonly pages: CommentPageReader,
    private readonly authors: AuthorsReader,
    private readonly presenter: CommentItemPresenter,
    private readonly fans: FanCommentCheck,
    @InjectGrpcClient(COMMENT_GRPC) private readonly comments: commentV1.CommentServiceClient,
  ) {}

  /** Comments of an article (type a) or replies to a comment (type c); `is_liking` for a signed-in viewer. */
  @Get('comments')
  @Auth('lenient')
  async list(
    @Query() query: ListCommentsQueryDto,
    @CurrentUser() viewer: AuthUser | undefined,
  ): Promise<CommentPage> {
    if (query.type !== 'a' && query.type !== 'c') throw AppError.invalid('Invalid type param.');
    const page = await this.pages.read({
      type: query.type,
      source: query.source,
      offset: query.offset,
      limit: query.limit ?? DEFAULT_LIMIT,
      viewerId: viewer?.userId,
    });
    const authors = await this.authors.read(page.results.map((comment) => comment.autId));
    return {
      total_count: page.totalCount,
      end_id: page.endId || null,
      last_id: page.lastId || null,
      results: page.results.map((comment) =>
        this.presenter.present(comment, authors.get(comment.autId)),
      ),
    };
  }

  @Post('comments')
  @Auth()
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateCommentDto,
  ): Promise<CreatedComment> {
    const [me, byFan] = await Promise.all([
      this.commenter(user.userId),
      this.fans.isByFan(user.userId, commentedArticleId(body.target, body.art_id)),
    ]);
    const created = await unary(
      this.comments.createComment({
        userId: user.userId,
        target: body.target,
        content: body.content,
        artId: body.art_id ?? '',
        userName: me === undefined ? undefined : (me?.name ?? ''),
        userPhoto: this.presenter.photoOf(me),
        byFan,
      }),
    );
    if (!created.comment) throw new Error('news service answered without the comment');
    return {
      com_id: created.comment.comId,
      target: created.target,
      art_id: created.artId,
      new_obj: this.presenter.presentNew(created.comment, me),
    };
  }

  /**
   * The commenter's name and photo; undefined when the user service failed or was late on a
   * profile that is not cached: the comment is posted all the same, shown without them.
   */
  private async commenter(userId: string): Promise<Author | null | undefined> {
    try {
      return await this.authors.readOne(userId);
    } catch (error) {
      this.logger.warn(
        `comment of ${userId} posted without its author's profile: ${errorMessage(error)}`,
      );
      return undefined;
    }
  }
}
