import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { reactionV1 } from '@app/contracts';
import { InjectGrpcClient, REACTION_GRPC, unary } from '@app/grpc';
import { Body, Controller, Post } from '@nestjs/common';

import { ReportArticleDto } from './dto/report-article.dto';

@Controller('v1_0/article/reports')
@Auth()
export class ReportsHttpController {
  constructor(
    @InjectGrpcClient(REACTION_GRPC) private readonly reactions: reactionV1.ReactionServiceClient,
  ) {}

  @Post()
  async report(
    @CurrentUser() user: AuthUser,
    @Body() body: ReportArticleDto,
  ): Promise<{ target: string; type: number }> {
    const remark = typeof body.remark === 'string' ? body.remark : '';
    const reported = await unary(
      this.reactions.reportArticle({
        userId: user.userId,
        articleId: body.target,
        type: body.type,
        remark,
      }),
    );
    return { target: reported.articleId, type: reported.type };
  }
}
