import { SNOWFLAKE_ID } from '@app/snowflake';

import type { ArticleWire, UserWire } from './user-reco.wire';

/**
 * The longest `user_id` taken: every tracking string of an answer repeats it (an exposure and
 * four per article, up to 100 articles), so its length multiplies the answer's. The gateway sends
 * at most 64 characters (a device id), the original backend a user's id.
 */
export const MAX_USER_ID_LENGTH = 128;

/**
 * Why a `User` cannot be answered, as told to the caller (INVALID_ARGUMENT); undefined when it can.
 * 0 is proto3's unset value of each number (every channel, 10 articles, the first batch); none
 * of them means anything below it.
 */
export function userProblem(request: UserWire): string | undefined {
  if (request.user_id.length > MAX_USER_ID_LENGTH)
    return `user_id must be at most ${MAX_USER_ID_LENGTH} characters`;
  if (request.channel_id < 0) return 'channel_id must not be negative';
  if (request.article_num < 0) return 'article_num must not be negative';
  // int64 arrives as its decimal text.
  if (request.time_stamp.startsWith('-')) return 'time_stamp must not be negative';
  return undefined;
}

/** Why an `Article` cannot be answered (INVALID_ARGUMENT); undefined when it can. */
export function articleProblem(request: ArticleWire): string | undefined {
  if (!SNOWFLAKE_ID.test(request.article_id)) return 'article_id must be positive';
  if (request.article_num < 0) return 'article_num must not be negative';
  return undefined;
}
