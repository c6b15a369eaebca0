import { NotificationEmitter } from '@app/queue';
import { Injectable, Logger } from '@nestjs/common';

import { AuthorBlacklist } from '../notifications/author-blacklist';
import { BackgroundNotifications } from '../notifications/background-notifications';

/** Who commented on what, for `comment notify`. */
export interface CommentNotice {
  authorId: string;
  commenterId: string;
  commenterName: string;
  commenterPhoto: string;
  articleId: string;
  articleTitle: string;
  createdAt: Date;
}

/**
 * Pushes `comment notify` to the article author's room through the IM app's Redis adapter, unless
 * the author blacklisted the commenter (AuthorBlacklist), as a follow or a like by them is not
 * notified.
 */
@Injectable()
export class CommentNotifier {
  private readonly logger = new Logger(CommentNotifier.name);

  constructor(
    private readonly emitter: NotificationEmitter,
    private readonly blacklists: AuthorBlacklist,
    private readonly background: BackgroundNotifications,
  ) {}

  /** Notifies after the comment is answered (see BackgroundNotifications). */
  send(notice: CommentNotice): void {
    this.background.run(() => this.notify(notice));
  }

  /** Never throws: the comment is already stored, a lost notification must not fail it. */
  async notify(notice: CommentNotice): Promise<void> {
    try {
      if (await this.blacklists.has(notice.authorId, notice.commenterId)) return;
      await this.emitter.notifyComment(notice.authorId, {
        user_id: notice.commenterId,
        user_name: notice.commenterName,
        user_photo: notice.commenterPhoto,
        art_id: notice.articleId,
        art_title: notice.articleTitle,
        timestamp: Math.floor(notice.createdAt.getTime() / 1000),
      });
    } catch (error) {
      this.logger.warn(`comment notify to ${notice.authorId} failed: ${String(error)}`);
    }
  }
}
