import { SNOWFLAKE_ID } from '@app/snowflake';

/** Whose feed: a signed-in user or an anonymous device (kept apart although both are strings). */
export interface FeedViewer {
  kind: 'user' | 'device';
  id: string;
}

/** Put before a device id that reads as a user id (a client may name its device anything). */
export const NUMERIC_DEVICE_PREFIX = 'device:';

/**
 * The viewer of an `Anony <device-id>` caller. The recommend service takes a `user_id` of digits
 * for a signed-in user (ranked by their reads, its exposures theirs): a device named with a
 * user's id, which cards and profiles show, would read a feed ranked by that user's reads and
 * spend their exposures. Such a device id is named apart.
 */
export function deviceViewer(deviceId: string): FeedViewer {
  return {
    kind: 'device',
    id: SNOWFLAKE_ID.test(deviceId) ? `${NUMERIC_DEVICE_PREFIX}${deviceId}` : deviceId,
  };
}
