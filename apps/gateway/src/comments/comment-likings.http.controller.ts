import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { commentV1 } from '@app/contracts';
import { AppError, COMMENT_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';

import { CommentTargetDto } from './dto/comment-target.dto';

@Controller('v1_0/comment/likings')
@Auth()
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
    // The reference routed only positive integers here: no other id has a route.
    if (!SNOWFLAKE_ID.test(target)) throw AppError.notFound('The comment does not exist.');
    await unary(this.comments.unlikeComment({ userId: user.userId, commentId: target }));
  }
}
