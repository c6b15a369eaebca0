import { Module } from '@nestjs/common';

import { ArticleSearchHttpController } from './article-search.http.controller';
import { ArticlesHttpController } from './articles.http.controller';

@Module({ controllers: [ArticlesHttpController, ArticleSearchHttpController] })
export class ArticlesModule {}
