import { APP_CONFIG, formatPubdate } from '@app/config';
import type { commentV1 } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';

import type { Author } from '../articles/authors.reader';
import type { GatewayConfig } from '../config/gateway.config';
import { UserCardPresenter } from '../users/user-card.presenter';

/** CommentItem of the reference (section 1.1) without `is_liking`, as `new_obj` carries it. */
export interface NewCommentItem {
  com_id: string;
  aut_id: string;
  aut_name: string;
  aut_photo: string;
  like_count: number;
  reply_count: number;
  /** `YYYY-MM-DDTHH:MM:SS` in the display time zone. */
  pubdate: string;
  content: string;
  is_top: 0 | 1;
}

/** CommentItem as the mobile client lists it. */
export type CommentItem = NewCommentItem & { is_liking: boolean };

@Injectable()
export class CommentItemPresenter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
    private readonly users: UserCardPresenter,
  ) {}

  /** `author` null: the user is gone; the comment still shows, with the default photo. */
  present(comment: commentV1.Comment, author: Author | null | undefined): CommentItem {
    return { ...this.presentNew(comment, author), is_liking: comment.isLiking };
  }

  /** The photo URL to show for an author (the default photo when the user is gone). */
  photoOf(author: Author | null | undefined): string {
    return author?.photo ?? this.users.photoUrl('');
  }

  presentNew(comment: commentV1.Comment, author: Author | null | undefined): NewCommentItem {
    return {
      com_id: comment.comId,
      aut_id: comment.autId,
      aut_name: author?.name ?? '',
      aut_photo: this.photoOf(author),
      like_count: comment.likeCount,
      reply_count: comment.replyCount,
      pubdate: formatPubdate(comment.pubdate, this.config.TZ),
      content: comment.content,
      is_top: comment.isTop ? 1 : 0,
    };
  }
}
