import { CacheKeys, TwoLevelCache } from '@app/cache';
import { APP_CONFIG, photoUrl } from '@app/config';
import { userV1 } from '@app/contracts';
import { InjectGrpcClient, unaryBefore, USER_GRPC } from '@app/grpc';
import { NotificationEmitter } from '@app/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { NewsConfig } from '../config/news.config';
import { AuthorBlacklist, BLACKLIST_CHECK_MS } from '../notifications/author-blacklist';
import { BackgroundNotifications } from '../notifications/background-notifications';
import type { ReactedArticle } from './reactions.repository';

/** The fields of the user service's `user:{uid}:profile` JSON that a notification shows. */
interface CachedProfile {
  name: string;
  photo: string;
}

/**
 * Pushes `liking notify` to the article author's room through the IM app's Redis adapter. The
 * liker's name and photo come from the user service's profile cache, else from UserService.GetUser
 * (which fills it), asked for no longer than the blacklist check waits: a user service that hung
 * held each such notification pending for the whole gRPC deadline, where the check's bound is what
 * keeps a flood of likes within MAX_PENDING_NOTIFICATIONS. An author who blacklisted the liker is
 * not told, as a follow by them is not: a like and an unlike over and over pinged them each time.
 */
@Injectable()
export class LikingNotifier {
  private readonly logger = new Logger(LikingNotifier.name);

  constructor(
    private readonly emitter: NotificationEmitter,
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    private readonly blacklists: AuthorBlacklist,
    @Inject(APP_CONFIG) private readonly config: NewsConfig,
    private readonly background: BackgroundNotifications,
  ) {}

  /** Notifies after the like is answered (see BackgroundNotifications). */
  send(likerId: string, article: ReactedArticle): void {
    const now = new Date();
    this.background.run(() => this.notify(likerId, article, now));
  }

  /** Never throws: the like is already stored, a lost notification must not fail it. */
  async notify(likerId: string, article: ReactedArticle, now: Date = new Date()): Promise<void> {
    try {
      const [user, blacklisted] = await Promise.all([
        this.liker(likerId, Date.now() + BLACKLIST_CHECK_MS),
        this.blacklists.has(article.authorId, likerId),
      ]);
      if (blacklisted) return;
      await this.emitter.notifyLiking(article.authorId, {
        user_id: likerId,
        user_name: user?.name ?? '',
        user_photo: photoUrl(this.config.STORAGE_PUBLIC_URL, user?.photo),
        art_id: article.id,
        art_title: article.title,
        timestamp: Math.floor(now.getTime() / 1000),
      });
    } catch (error) {
      this.logger.warn(`liking notify to ${article.authorId} failed: ${String(error)}`);
    }
  }

  private async liker(userId: string, deadline: number): Promise<CachedProfile | null | undefined> {
    const cached = await this.cache.peek<CachedProfile>(CacheKeys.userProfile(userId));
    if (cached !== undefined) return cached;
    return (await unaryBefore(deadline, this.users.getUser.bind(this.users), { userId })).user;
  }
}
