import { Module } from '@nestjs/common';

import { ArticlesHttpController } from './articles.http.controller';

@Module({ controllers: [ArticlesHttpController] })
export class ArticlesModule {}
