import { BadRequestException } from '@nestjs/common';

/** 推荐: not a row of `news_channel`, and a valid `channel_id` only for the feed routes. */
export const RECOMMEND_CHANNEL_ID = 0;

/** The reference's message for a channel id that is not a visible channel. */
export const INVALID_CHANNEL_ID = 'Invalid channel id.';

/** The 400 of a feed route for such a channel, in the body shape of the routes' other field errors. */
export function invalidChannelId(): BadRequestException {
  return new BadRequestException({ message: { channel_id: INVALID_CHANNEL_ID } });
}

/** The ids of a channel list (`ch:all` holds `{id, name}` items). */
export function channelIdsOf(channels: ReadonlyArray<{ id: number }>): ReadonlySet<number> {
  return new Set(channels.map(({ id }) => id));
}

/**
 * Whether the feed serves `channelId`: 推荐, or one of the visible channels. Without a list
 * (`undefined`: it could not be read) every id passes, so that an outage of the news service does
 * not take the feed down with it.
 */
export function feedServesChannel(
  channelId: number,
  visibleIds: ReadonlySet<number> | undefined,
): boolean {
  return (
    channelId === RECOMMEND_CHANNEL_ID || visibleIds === undefined || visibleIds.has(channelId)
  );
}
