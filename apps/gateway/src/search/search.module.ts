import { Module } from '@nestjs/common';

import { ArticlesModule } from '../articles/articles.module';
import { SearchHttpController } from './search.http.controller';

/** /search, /suggestion and /search/histories (cards come from the shared ArticleCardsReader). */
@Module({
  imports: [ArticlesModule],
  controllers: [SearchHttpController],
})
export class SearchModule {}
