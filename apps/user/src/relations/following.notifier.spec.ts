import type { FollowingNotifyPayload, NotificationEmitter } from '@app/queue';
import { Logger } from '@nestjs/common';

import type { UserConfig } from '../config/user.config';
import { FollowingNotifier } from './following.notifier';

class FakeEmitter implements Pick<NotificationEmitter, 'notifyFollowing'> {
  readonly sent: Array<{ room: string; payload: FollowingNotifyPayload }> = [];
  fail = false;

  notifyFollowing(userId: string, payload: FollowingNotifyPayload): Promise<number> {
    if (this.fail) return Promise.reject(new Error('redis down'));
    this.sent.push({ room: userId, payload });
    return Promise.resolve(1);
  }
}

function newNotifier() {
  const emitter = new FakeEmitter();
  const config = { STORAGE_PUBLIC_URL: 'http://img.test/' } as UserConfig;
  return {
    emitter,
    notifier: new FollowingNotifier(emitter as unknown as NotificationEmitter, config),
  };
}

describe('FollowingNotifier', () => {
  it('sends the follower card with a full photo URL and a timestamp in seconds to the followed user', async () => {
    const { emitter, notifier } = newNotifier();
    await notifier.notify(
      { id: '11', name: 'me', photo: 'key' },
      '22',
      new Date('2026-01-02T03:04:05.678Z'),
    );
    await notifier.notify(
      { id: '12', name: 'no photo', photo: null },
      '22',
      new Date('2026-01-02T03:04:05.678Z'),
    );
    expect(emitter.sent).toEqual([
      {
        room: '22',
        payload: {
          user_id: '11',
          user_name: 'me',
          user_photo: 'http://img.test/key',
          timestamp: 1767323045,
        },
      },
      {
        room: '22',
        payload: {
          user_id: '12',
          user_name: 'no photo',
          user_photo: 'http://img.test/Fkj6tQi3xJwVXi1u2swCElotfdCi',
          timestamp: 1767323045,
        },
      },
    ]);
  });

  it('logs instead of failing when the publish fails', async () => {
    const { emitter, notifier } = newNotifier();
    emitter.fail = true;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await expect(
      notifier.notify({ id: '11', name: 'me', photo: null }, '22'),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('redis down'));
    warn.mockRestore();
  });
});
