import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ArticleContentEntity } from './article-content.entity';
import { ArticleEntity } from './article.entity';
import { ArticlesGrpcController } from './articles.grpc.controller';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import { HiddenArticlesCache } from './hidden-articles.cache';
import { UserArticlesCache } from './user-articles.cache';

/**
 * The read side of approved articles; `ArticlesService` is exported for features that check
 * articles, `UserArticlesCache` for the writers that drop an author's list, `HiddenArticlesCache`
 * for those that hide an article or show it again.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ArticleEntity, ArticleContentEntity])],
  controllers: [ArticlesGrpcController],
  providers: [ArticlesRepository, ArticlesService, UserArticlesCache, HiddenArticlesCache],
  exports: [ArticlesService, UserArticlesCache, HiddenArticlesCache],
})
export class ArticlesModule {}
