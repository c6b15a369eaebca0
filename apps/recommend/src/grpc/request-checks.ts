import type { UserWire } from './user-reco.wire';

/**
 * The longest `user_id` taken: every tracking string of an answer repeats it (an exposure and
 * four per article, up to 100 articles), so its length multiplies the answer's. The gateway sends
 * at most 64 characters (a device id), the original backend a user's id.
 */
export const MAX_USER_ID_LENGTH = 128;

/** Why a `User` cannot be answered, as told to the caller (INVALID_ARGUMENT); undefined when it can. */
export function userProblem(request: UserWire): string | undefined {
  if (request.user_id.length > MAX_USER_ID_LENGTH)
    return `user_id must be at most ${MAX_USER_ID_LENGTH} characters`;
  return undefined;
}
