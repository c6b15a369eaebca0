import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, formatPubdate } from '@app/config';
import type { commentModerationV1 } from '@app/contracts';
import { COMMENT_MODERATION_GRPC, InjectGrpcClient, ListCommentsQueryDto, unary } from '@app/grpc';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { CommentAuthorsReader } from './comment-authors.reader';
import { commentIdParam } from './comment-id.param';
import { CommentStatusBodyDto, CommentStatusQueryDto } from './dto/comment-status.dto';
import { ReplyCommentDto } from './dto/reply-comment.dto';
import { StickyDto } from './dto/sticky.dto';

const DEFAULT_LIMIT = 10;

/** CommentItem of the reference (1.1) as the media platform shows it: `is_liking` is 0/1. */
export interface MpCommentItem {
  com_id: string;
  aut_id: string;
  aut_name: string;
  aut_photo: string;
  like_count: number;
  reply_count: number;
  pubdate: string;
  content: string;
  is_top: 0 | 1;
  is_liking: 0 | 1;
}

/** The app's comment page, plus the article for type a. */
export interface MpCommentPage {
  total_count: number;
  end_id: string | null;
  last_id: string | null;
  results: MpCommentItem[];
  art_id?: string;
  art_title?: string;
  art_pubdate?: string;
}

/** Comment management for authors: only comments on their own articles (the news service checks). */
@Controller('v1_0')
@Auth('verified')
export class CommentsHttpController {
  constructor(
    @InjectGrpcClient(COMMENT_MODERATION_GRPC)
    private readonly moderation: commentModerationV1.CommentModerationServiceClient,
    private readonly authors: CommentAuthorsReader,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'TZ'>,
  ) {}

  @Put('comments/status')
  @HttpCode(201)
  async setStatus(
    @CurrentUser() user: AuthUser,
    @Query() query: CommentStatusQueryDto,
    @Body() body: CommentStatusBodyDto,
  ): Promise<{ article_id: string; allow_comment: boolean }> {
    const changed = await unary(
      this.moderation.setCommentStatus({
        authorId: user.userId,
        articleId: query.article_id,
        allowComment: body.allow_comment,
      }),
    );
    return { article_id: changed.articleId, allow_comment: changed.allowComment };
  }

  @Get('comments')
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: ListCommentsQueryDto,
  ): Promise<MpCommentPage> {
    const page = await unary(
      this.moderation.listArticleComments({
        authorId: user.userId,
        type: typeof query.type === 'string' ? query.type : '',
        source: query.source,
        offset: query.offset ?? '',
        limit: query.limit ?? DEFAULT_LIMIT,
      }),
    );
    const authors = await this.authors.read(page.results.map((comment) => comment.autId));
    const results = page.results.map((comment): MpCommentItem => {
      const author = authors.get(comment.autId);
      return {
        com_id: comment.comId,
        aut_id: comment.autId,
        aut_name: author?.name ?? '',
        aut_photo: author?.photo ?? '',
        like_count: comment.likeCount,
        reply_count: comment.replyCount,
        pubdate: formatPubdate(comment.pubdate, this.config.TZ),
        content: comment.content,
        is_top: comment.isTop ? 1 : 0,
        is_liking: comment.isLiking ? 1 : 0,
      };
    });
    const listed: MpCommentPage = {
      total_count: page.totalCount,
      end_id: page.endId || null,
      last_id: page.lastId || null,
      results,
    };
    if (query.type !== 'a') return listed;
    return {
      ...listed,
      art_id: page.artId,
      art_title: page.artTitle,
      art_pubdate: formatPubdate(page.artPubdate, this.config.TZ),
    };
  }

  /** Replies only: `target` is a comment on one of the author's articles. */
  @Post('comments')
  async reply(
    @CurrentUser() user: AuthUser,
    @Body() body: ReplyCommentDto,
  ): Promise<{ com_id: string; target: string; art_id: string }> {
    const created = await unary(
      this.moderation.replyComment({
        authorId: user.userId,
        target: body.target,
        content: body.content,
        artId: body.art_id,
      }),
    );
    return { com_id: created.comId, target: created.target, art_id: created.artId };
  }

  @Delete('comments/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await unary(
      this.moderation.deleteComment({ authorId: user.userId, commentId: commentIdParam(id) }),
    );
  }

  @Put('comments/:id/sticky')
  async setSticky(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: StickyDto,
  ): Promise<{ target: string; sticky: boolean }> {
    const changed = await unary(
      this.moderation.setSticky({
        authorId: user.userId,
        commentId: commentIdParam(id),
        sticky: body.sticky,
      }),
    );
    return { target: changed.target, sticky: changed.sticky };
  }
}
