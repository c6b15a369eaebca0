import type { relationV1 } from '@app/contracts';
import { unaryBefore } from '@app/grpc';

/**
 * How long a notification waits for the user service to say whether the author blacklisted its
 * sender. The like or comment is answered by then (BackgroundNotifications); this bounds how long
 * a user service that hangs holds one of the notifications pending, which a flood would fill.
 */
export const BLACKLIST_CHECK_MS = 500;

/** Whether `authorId` blacklisted `userId`; fails past {@link BLACKLIST_CHECK_MS}. */
export async function authorBlacklisted(
  relations: relationV1.RelationServiceClient,
  authorId: string,
  userId: string,
): Promise<boolean> {
  const relation = await unaryBefore(
    Date.now() + BLACKLIST_CHECK_MS,
    relations.getRelation.bind(relations),
    { userId: authorId, targetUserId: userId },
  );
  return relation.isBlacklist;
}
