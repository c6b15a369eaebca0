import { commentModerationV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { CommentModerationService } from './comment-moderation.service';

@Controller()
@commentModerationV1.CommentModerationServiceControllerMethods()
export class CommentModerationGrpcController
  implements commentModerationV1.CommentModerationServiceController
{
  constructor(private readonly moderation: CommentModerationService) {}

  setCommentStatus(
    request: commentModerationV1.SetCommentStatusRequest,
  ): Promise<commentModerationV1.SetCommentStatusResponse> {
    return this.moderation.setCommentStatus(request);
  }

  listArticleComments(
    request: commentModerationV1.ListArticleCommentsRequest,
  ): Promise<commentModerationV1.ListArticleCommentsResponse> {
    return this.moderation.listArticleComments(request);
  }

  replyComment(
    request: commentModerationV1.ReplyCommentRequest,
  ): Promise<commentModerationV1.ReplyCommentResponse> {
    return this.moderation.replyComment(request);
  }

  deleteComment(
    request: commentModerationV1.DeleteCommentRequest,
  ): Promise<commentModerationV1.DeleteCommentResponse> {
    return this.moderation.deleteComment(request);
  }

  setSticky(
    request: commentModerationV1.SetStickyRequest,
  ): Promise<commentModerationV1.SetStickyResponse> {
    return this.moderation.setSticky(request);
  }
}
