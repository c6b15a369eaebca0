import { commentV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { CommentLikingsService } from './comment-likings.service';
import { CommentsService } from './comments.service';

@Controller()
@commentV1.CommentServiceControllerMethods()
export class CommentsGrpcController implements commentV1.CommentServiceController {
  constructor(
    private readonly comments: CommentsService,
    private readonly likings: CommentLikingsService,
  ) {}

  listComments(request: commentV1.ListCommentsRequest): Promise<commentV1.ListCommentsResponse> {
    return this.comments.list(request);
  }

  createComment(request: commentV1.CreateCommentRequest): Promise<commentV1.CreateCommentResponse> {
    return this.comments.create(request);
  }

  async likeComment(request: commentV1.LikeCommentRequest): Promise<commentV1.LikeCommentResponse> {
    await this.likings.like(request.userId, request.commentId);
    return { commentId: request.commentId };
  }

  async unlikeComment(
    request: commentV1.UnlikeCommentRequest,
  ): Promise<commentV1.UnlikeCommentResponse> {
    await this.likings.unlike(request.userId, request.commentId);
    return {};
  }
}
