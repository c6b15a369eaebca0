import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { commentV1 } from '@app/contracts';
import { COMMENT_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';

import { commentIdParam } from './comment-id.param';
import { CommentTargetDto } from './dto/comment-target.dto';

/** Comment likes from the media platform: the app's CommentService rules, one liking per user. */
@Controller('v1_0/comment/likings')
@Auth('verified')
export class CommentLikingsHttpController {
  constructor(
    @InjectGrpcClient(COMMENT_GRPC) private readonly comments: commentV1.CommentServiceClient,
  ) {}

  @Post()
  async like(
    @CurrentUser() user: AuthUser,
    @Body() body: CommentTargetDto,
  ): Promise<{ target: string }> {
    await unary(this.comments.likeComment({ userId: user.userId, commentId: body.target }));
    return { target: body.target };
  }

  @Delete(':target')
  @HttpCode(204)
  async unlike(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.comments.unlikeComment({ userId: user.userId, commentId: commentIdParam(target) }),
    );
  }
}
