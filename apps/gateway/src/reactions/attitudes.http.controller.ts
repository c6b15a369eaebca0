import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { reactionV1 } from '@app/contracts';
import { InjectGrpcClient, REACTION_GRPC, unary } from '@app/grpc';
import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';

import { ArticleTargetDto } from './dto/article-target.dto';
import { articleTargetParam } from './article-target.param';

/** Likes and dislikes of articles; they exclude each other (the news service switches them). */
@Controller('v1_0/article')
@Auth()
export class AttitudesHttpController {
  constructor(
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
  ) {}

  @Post('likings')
  async like(
    @CurrentUser() user: AuthUser,
    @Body() body: ArticleTargetDto,
  ): Promise<{ target: string }> {
    const { articleId } = await unary(
      this.reactions.likeArticle({ userId: user.userId, articleId: body.target }),
    );
    return { target: articleId };
  }

  @Delete('likings/:target')
  @HttpCode(204)
  async unlike(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.reactions.unlikeArticle({ userId: user.userId, articleId: articleTargetParam(target) }),
    );
  }

  @Post('dislikes')
  async dislike(
    @CurrentUser() user: AuthUser,
    @Body() body: ArticleTargetDto,
  ): Promise<{ target: string }> {
    const { articleId } = await unary(
      this.reactions.dislikeArticle({ userId: user.userId, articleId: body.target }),
    );
    return { target: articleId };
  }

  @Delete('dislikes/:target')
  @HttpCode(204)
  async undislike(@CurrentUser() user: AuthUser, @Param('target') target: string): Promise<void> {
    await unary(
      this.reactions.undislikeArticle({
        userId: user.userId,
        articleId: articleTargetParam(target),
      }),
    );
  }
}
