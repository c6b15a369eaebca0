import { articleV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { ArticlesService } from './articles.service';

@Controller()
@articleV1.ArticleServiceControllerMethods()
export class ArticlesGrpcController implements articleV1.ArticleServiceController {
  constructor(private readonly articles: ArticlesService) {}

  async getArticle(request: articleV1.GetArticleRequest): Promise<articleV1.GetArticleResponse> {
    return { article: await this.articles.getDetail(request.articleId) };
  }

  async getArticles(request: articleV1.GetArticlesRequest): Promise<articleV1.GetArticlesResponse> {
    const { articles, leftOut } = await this.articles.getDetailsWithin(
      request.articleIds,
      request.maxReplyBytes,
    );
    return { articles, leftOutArticleIds: leftOut };
  }

  async getArticleCards(
    request: articleV1.GetArticleCardsRequest,
  ): Promise<articleV1.GetArticleCardsResponse> {
    return { articles: await this.articles.getInfos(request.articleIds) };
  }

  listUserArticles(
    request: articleV1.ListUserArticlesRequest,
  ): Promise<articleV1.ListUserArticlesResponse> {
    return this.articles.listByAuthor(request.userId, request.page, request.perPage);
  }

  async listLatestArticles(
    request: articleV1.ListLatestArticlesRequest,
  ): Promise<articleV1.ListLatestArticlesResponse> {
    return {
      articleIds: await this.articles.listLatest(
        request.channelId,
        request.limit,
        request.beforeArticleId,
      ),
    };
  }

  async listGoneArticles(
    request: articleV1.ListGoneArticlesRequest,
  ): Promise<articleV1.ListGoneArticlesResponse> {
    return { articleIds: await this.articles.listGone(request.articleIds) };
  }
}
