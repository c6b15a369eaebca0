import type { TwoLevelCache } from '@app/cache';
import type { userV1 } from '@app/contracts';
import type { ArticleNotifyPayload, NotificationEmitter } from '@app/queue';
import { of } from 'rxjs';

import type { NewsConfig } from '../config/news.config';
import type { AuthorBlacklist } from '../notifications/author-blacklist';
import { BackgroundNotifications } from '../notifications/background-notifications';
import { LikingNotifier } from './liking.notifier';

const LIKER = '1294287382374383617';
const ARTICLE = {
  id: '1300000000000000001',
  authorId: '1294287382374383616',
  title: 't',
  channelId: 1,
};
const NOW = new Date('2026-01-01T00:00:00Z');

type Profile = { name: string; photo: string };

function newNotifier(cachedProfile: Profile | null | undefined) {
  const emitter = {
    notifyLiking: jest.fn<Promise<number>, [string, ArticleNotifyPayload]>().mockResolvedValue(1),
  };
  const cache = {
    peek: jest.fn<Promise<Profile | null | undefined>, [string]>().mockResolvedValue(cachedProfile),
  };
  const users = {
    getUser: jest.fn(() => of({ user: { name: 'from grpc', photo: 'grpc-photo' } })),
  };
  const blacklists = { has: jest.fn(() => Promise.resolve(false)) };
  const notifier = new LikingNotifier(
    emitter as unknown as NotificationEmitter,
    cache as unknown as TwoLevelCache,
    users as unknown as userV1.UserServiceClient,
    blacklists as unknown as AuthorBlacklist,
    { STORAGE_PUBLIC_URL: 'http://img/' } as NewsConfig,
    new BackgroundNotifications(),
  );
  return { notifier, emitter, cache, users };
}

describe('LikingNotifier', () => {
  it("names the liker from the user service's profile cache without a call", async () => {
    const { notifier, emitter, cache, users } = newNotifier({
      name: 'cached',
      photo: 'cached-photo',
    });
    await notifier.notify(LIKER, ARTICLE, NOW);
    expect(cache.peek).toHaveBeenCalledWith(`user:${LIKER}:profile`);
    expect(users.getUser).not.toHaveBeenCalled();
    expect(emitter.notifyLiking).toHaveBeenCalledWith(ARTICLE.authorId, {
      user_id: LIKER,
      user_name: 'cached',
      user_photo: 'http://img/cached-photo',
      art_id: ARTICLE.id,
      art_title: 't',
      timestamp: NOW.getTime() / 1000,
    });
  });

  it('asks the user service when the profile is not cached', async () => {
    const { notifier, emitter, users } = newNotifier(undefined);
    await notifier.notify(LIKER, ARTICLE, NOW);
    // Asked with the blacklist check's bound, not the client's default deadline.
    expect(users.getUser).toHaveBeenCalledWith(
      { userId: LIKER },
      expect.anything(),
      expect.objectContaining({ deadline: expect.any(Number) as number }),
    );
    expect(emitter.notifyLiking).toHaveBeenCalledWith(ARTICLE.authorId, {
      user_id: LIKER,
      user_name: 'from grpc',
      user_photo: 'http://img/grpc-photo',
      art_id: ARTICLE.id,
      art_title: 't',
      timestamp: NOW.getTime() / 1000,
    });
  });
});
