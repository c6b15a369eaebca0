import { reactionV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { ReactionsService } from './reactions.service';

@Controller()
@reactionV1.ReactionServiceControllerMethods()
export class ReactionsGrpcController implements reactionV1.ReactionServiceController {
  constructor(private readonly reactions: ReactionsService) {}

  async collectArticle(
    request: reactionV1.CollectArticleRequest,
  ): Promise<reactionV1.CollectArticleResponse> {
    const article = await this.reactions.collect(request.userId, request.articleId);
    return { articleId: article.id, channelId: article.channelId };
  }

  async uncollectArticle(
    request: reactionV1.UncollectArticleRequest,
  ): Promise<reactionV1.UncollectArticleResponse> {
    await this.reactions.uncollect(request.userId, request.articleId);
    return {};
  }

  listCollections(
    request: reactionV1.ListCollectionsRequest,
  ): Promise<reactionV1.ListCollectionsResponse> {
    return this.reactions.listCollections(request.userId, request.page, request.perPage);
  }

  async likeArticle(
    request: reactionV1.LikeArticleRequest,
  ): Promise<reactionV1.LikeArticleResponse> {
    await this.reactions.like(request.userId, request.articleId);
    return { articleId: request.articleId };
  }

  async unlikeArticle(
    request: reactionV1.UnlikeArticleRequest,
  ): Promise<reactionV1.UnlikeArticleResponse> {
    await this.reactions.unlike(request.userId, request.articleId);
    return {};
  }

  async dislikeArticle(
    request: reactionV1.DislikeArticleRequest,
  ): Promise<reactionV1.DislikeArticleResponse> {
    await this.reactions.dislike(request.userId, request.articleId);
    return { articleId: request.articleId };
  }

  async undislikeArticle(
    request: reactionV1.UndislikeArticleRequest,
  ): Promise<reactionV1.UndislikeArticleResponse> {
    await this.reactions.undislike(request.userId, request.articleId);
    return {};
  }

  async reportArticle(
    request: reactionV1.ReportArticleRequest,
  ): Promise<reactionV1.ReportArticleResponse> {
    await this.reactions.report(request.userId, request.articleId, request.type, request.remark);
    return { articleId: request.articleId, type: request.type };
  }

  getViewerState(
    request: reactionV1.GetViewerStateRequest,
  ): Promise<reactionV1.GetViewerStateResponse> {
    return this.reactions.viewerState(request.userId, request.articleId);
  }

  async listLikedArticles(
    request: reactionV1.ListLikedArticlesRequest,
  ): Promise<reactionV1.ListLikedArticlesResponse> {
    return { articleIds: await this.reactions.likedArticles(request.userId, request.articleIds) };
  }
}
