import { Module } from '@nestjs/common';

import { CommentAuthorsReader } from './comment-authors.reader';
import { CommentLikingsHttpController } from './comment-likings.http.controller';
import { CommentsHttpController } from './comments.http.controller';

/** `/mp/v1_0/comments*` and `/mp/v1_0/comment/likings`: comment management by authors. */
@Module({
  controllers: [CommentsHttpController, CommentLikingsHttpController],
  providers: [CommentAuthorsReader],
})
export class MpCommentsModule {}
