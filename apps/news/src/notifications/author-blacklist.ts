import { CacheKeys, type CachePolicy, CacheTtl, TwoLevelCache } from '@app/cache';
import { relationV1 } from '@app/contracts';
import { InjectGrpcClient, isGrpcServiceError, RELATION_GRPC, unaryBefore } from '@app/grpc';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';

/**
 * How long a notification waits to learn whether the author blacklisted its sender. The like or
 * comment is answered by then (BackgroundNotifications); this bounds how long a user service or a
 * Redis that hangs holds one of the notifications pending, which a flood would fill.
 */
export const BLACKLIST_CHECK_MS = 500;

/** `user:{uid}:blacklist`: RelationService.GetBlacklist's answer. */
type CachedBlacklist = relationV1.GetBlacklistResponse;

/** Never null: every user has a blacklist, most an empty one. */
const BLACKLIST_POLICY: CachePolicy = {
  ttl: CacheTtl.userBlacklist,
  missingTtl: CacheTtl.userBlacklist,
};

/**
 * Whether an author blacklisted the sender of a notification to them. Each author's blacklist is
 * read once from the user service (GetBlacklist) into the two-level cache, which the user service
 * invalidates on every change to or from Blacklist, so a like or a comment costs no gRPC call: one
 * per like asked GetRelation, to learn, for almost every author, nothing. A blacklist longer than
 * GetBlacklist answers, or a user service that does not know GetBlacklist yet (a rolling deploy),
 * is asked of GetRelation for the pair, as before.
 */
@Injectable()
export class AuthorBlacklist {
  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
  ) {}

  /** Whether `authorId` blacklisted `userId`; fails past {@link BLACKLIST_CHECK_MS}. */
  has(authorId: string, userId: string): Promise<boolean> {
    const deadline = Date.now() + BLACKLIST_CHECK_MS;
    return failsPast(deadline, this.check(authorId, userId, deadline));
  }

  private async check(authorId: string, userId: string, deadline: number): Promise<boolean> {
    const blacklist = await this.blacklistOf(authorId, deadline);
    if (blacklist?.userIds.includes(userId)) return true;
    if (blacklist && !blacklist.truncated) return false;
    const relation = await unaryBefore(deadline, this.relations.getRelation.bind(this.relations), {
      userId: authorId,
      targetUserId: userId,
    });
    return relation.isBlacklist;
  }

  /** The author's cached blacklist; undefined when the user service does not answer GetBlacklist. */
  private async blacklistOf(
    authorId: string,
    deadline: number,
  ): Promise<CachedBlacklist | undefined> {
    try {
      const cached = await this.cache.get<CachedBlacklist>(
        CacheKeys.userBlacklist(authorId),
        async () => {
          const { userIds, truncated } = await unaryBefore(
            deadline,
            this.relations.getBlacklist.bind(this.relations),
            { userId: authorId },
          );
          return { userIds, truncated };
        },
        BLACKLIST_POLICY,
      );
      return cached ?? undefined;
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === GrpcStatus.UNIMPLEMENTED) return undefined;
      throw error;
    }
  }
}

/** What `work` resolves to, failing at `deadline` (epoch ms) if it has not settled by then. */
function failsPast<T>(deadline: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${BLACKLIST_CHECK_MS} ms`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}
