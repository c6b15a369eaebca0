import { BadRequestException } from '@nestjs/common';

import { channelIdsOf, feedServesChannel, invalidChannelId } from './feed-channel.util';

describe('feed channel check', () => {
  const channels = [
    { id: 1, name: 'html' },
    { id: 18, name: 'python' },
  ];
  const visible = channelIdsOf(channels);

  it('serves 推荐 and the visible channels, and refuses any other id', () => {
    expect([0, 1, 18].map((id) => feedServesChannel(id, visible))).toEqual([true, true, true]);
    expect([2, 17, 2_147_483_647].map((id) => feedServesChannel(id, visible))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('serves only 推荐 when no channel is visible', () => {
    expect(feedServesChannel(0, channelIdsOf([]))).toBe(true);
    expect(feedServesChannel(1, channelIdsOf([]))).toBe(false);
  });

  it('lets every id pass when the list could not be read', () => {
    expect([0, 1, 999].map((id) => feedServesChannel(id, undefined))).toEqual([true, true, true]);
  });

  it('refuses with the body shape of the feed query errors and the reference message', () => {
    const refusal = invalidChannelId();
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect(refusal.getStatus()).toBe(400);
    expect(refusal.getResponse()).toEqual({ message: { channel_id: 'Invalid channel id.' } });
  });
});
