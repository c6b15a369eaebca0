import { INT32_MAX } from '@app/grpc';

import { ChannelErrors } from './channel.errors';

/** A channel in a user's list and where the user put it. */
export interface ChannelPosition {
  id: number;
  seq: number;
}

function isPositiveInt32(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value <= INT32_MAX;
}

/**
 * The `{channels:[{id, seq}]}` body of POST/PUT/PATCH: not empty, every id a visible channel
 * (id 0 "推荐" is only valid for the feed, so it is never in `visibleIds`), every seq a positive
 * integer, no id twice. Returns fresh `{id, seq}` objects so nothing else is passed on.
 */
export function validateChannelPositions(
  channels: readonly ChannelPosition[],
  visibleIds: ReadonlySet<number>,
): ChannelPosition[] {
  if (channels.length === 0) throw ChannelErrors.channelsRequired();
  for (const { id, seq } of channels) {
    if (!visibleIds.has(id)) throw ChannelErrors.invalidChannels();
    if (!isPositiveInt32(seq)) throw ChannelErrors.invalidSequence();
  }
  if (new Set(channels.map(({ id }) => id)).size !== channels.length)
    throw ChannelErrors.repeatedChannels();
  return channels.map(({ id, seq }) => ({ id, seq }));
}

/** The `{channels:[id]}` body of DELETE: not empty, positive ids; unknown ids are a no-op, repeats collapse. */
export function validateChannelIds(ids: readonly number[]): number[] {
  if (ids.length === 0) throw ChannelErrors.channelsRequired();
  if (!ids.every(isPositiveInt32)) throw ChannelErrors.invalidChannels();
  return [...new Set(ids)];
}

/** PUT `/user/channels/{id}`: the channel must be visible, the new seq positive. */
export function validateChannelMove(
  channelId: number,
  seq: number,
  visibleIds: ReadonlySet<number>,
): ChannelPosition {
  if (!visibleIds.has(channelId)) throw ChannelErrors.invalidChannelId();
  if (!isPositiveInt32(seq)) throw ChannelErrors.invalidSequence();
  return { id: channelId, seq };
}
