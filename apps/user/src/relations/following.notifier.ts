import { APP_CONFIG, photoUrl } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { UserConfig } from '../config/user.config';
import type { RelatedUser } from './relations.repository';

/** Pushes `following notify` to the followed user's room through the IM app's Redis adapter. */
@Injectable()
export class FollowingNotifier {
  private readonly logger = new Logger(FollowingNotifier.name);

  constructor(
    private readonly emitter: NotificationEmitter,
    @Inject(APP_CONFIG) private readonly config: UserConfig,
  ) {}

  /** Never throws: the follow is already stored, a lost notification must not fail it. */
  async notify(follower: RelatedUser, targetUserId: string, now: Date = new Date()): Promise<void> {
    try {
      await this.emitter.notifyFollowing(targetUserId, {
        user_id: follower.id,
        user_name: follower.name,
        user_photo: photoUrl(this.config.STORAGE_PUBLIC_URL, follower.photo),
        timestamp: Math.floor(now.getTime() / 1000),
      });
    } catch (error) {
      this.logger.warn(`following notify to ${targetUserId} failed: ${String(error)}`);
    }
  }
}
