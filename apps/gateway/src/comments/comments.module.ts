import { Module } from '@nestjs/common';

import { ArticlesModule } from '../articles/articles.module';
import { AuthorsReader } from '../articles/authors.reader';
import { UserCardPresenter } from '../users/user-card.presenter';
import { CommentItemPresenter } from './comment-item.presenter';
import { CommentLikingsHttpController } from './comment-likings.http.controller';
import { CommentPageReader } from './comment-page.reader';
import { CommentsHttpController } from './comments.http.controller';
import { FanCommentCheck } from './fan-comment.check';

@Module({
  // The card data (an article's author) and the follow check of a fan's comment.
  imports: [ArticlesModule],
  controllers: [CommentsHttpController, CommentLikingsHttpController],
  // Stateless readers and presenters; own instances keep this module free of other features' wiring.
  providers: [
    CommentPageReader,
    CommentItemPresenter,
    AuthorsReader,
    UserCardPresenter,
    FanCommentCheck,
  ],
})
export class CommentsModule {}
