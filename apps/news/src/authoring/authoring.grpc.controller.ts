import { authoringV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { type ArticleInput, AuthoringService } from './authoring.service';

type ArticleRequest = authoringV1.CreateArticleRequest | authoringV1.UpdateArticleRequest;

function toInput(request: ArticleRequest): ArticleInput {
  return {
    title: request.title,
    content: request.content,
    cover: request.cover,
    channelId: request.channelId,
    draft: request.draft,
  };
}

@Controller()
@authoringV1.AuthoringServiceControllerMethods()
export class AuthoringGrpcController implements authoringV1.AuthoringServiceController {
  constructor(private readonly authoring: AuthoringService) {}

  async createArticle(
    request: authoringV1.CreateArticleRequest,
  ): Promise<authoringV1.CreateArticleResponse> {
    return { articleId: await this.authoring.create(request.userId, toInput(request)) };
  }

  async updateArticle(
    request: authoringV1.UpdateArticleRequest,
  ): Promise<authoringV1.UpdateArticleResponse> {
    return {
      articleId: await this.authoring.update(request.userId, request.articleId, toInput(request)),
    };
  }

  async deleteArticle(
    request: authoringV1.DeleteArticleRequest,
  ): Promise<authoringV1.DeleteArticleResponse> {
    await this.authoring.delete(request.userId, request.articleId);
    return {};
  }

  getAuthoredArticle(
    request: authoringV1.GetAuthoredArticleRequest,
  ): Promise<authoringV1.GetAuthoredArticleResponse> {
    return this.authoring.get(request.userId, request.articleId);
  }

  listAuthoredArticles(
    request: authoringV1.ListAuthoredArticlesRequest,
  ): Promise<authoringV1.ListAuthoredArticlesResponse> {
    return this.authoring.list(request);
  }

  searchAuthoredArticles(
    request: authoringV1.SearchAuthoredArticlesRequest,
  ): Promise<authoringV1.SearchAuthoredArticlesResponse> {
    return this.authoring.search(request);
  }

  reviewArticle(
    request: authoringV1.ReviewArticleRequest,
  ): Promise<authoringV1.ReviewArticleResponse> {
    return this.authoring.review(request);
  }

  getAuthorStatistics(
    request: authoringV1.GetAuthorStatisticsRequest,
  ): Promise<authoringV1.GetAuthorStatisticsResponse> {
    return this.authoring.authorStatistics(request);
  }

  getArticleStatistics(
    request: authoringV1.GetArticleStatisticsRequest,
  ): Promise<authoringV1.GetArticleStatisticsResponse> {
    return this.authoring.articleStatistics(request.userId, request.articleId);
  }
}
