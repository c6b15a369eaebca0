import { CacheKeys, TwoLevelCache } from '@app/cache';
import type { userV1 } from '@app/contracts';
import { errorMessage } from '@app/config';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Injectable, Logger } from '@nestjs/common';

import { UserCardPresenter } from '../users/user-card.presenter';
import { gatheredMisses } from './gathered-misses';

/** Name and photo URL of an author. */
export interface Author {
  name: string;
  photo: string;
}

/** UserService.GetUserNames answers at most this many users. */
const MAX_USERS_PER_CALL = 200;

/** The fields of the user service's `user:{uid}:profile` JSON that the gateway reads. */
interface CachedProfile {
  name: string;
  photo: string;
}

/**
 * Authors' names and photos from the user service's `user:{uid}:profile` cache (in process, else
 * one MGET; the user service broadcasts its invalidations), and from UserService.GetUserNames
 * (which fills that cache) for the ones not cached: the misses of the requests served together go
 * in one call. Authors shown beside what they wrote (`read`, `readOne`) that the user service could
 * not answer are left out, so a list or page still answers while it is down, showing them unnamed.
 */
@Injectable()
export class AuthorsReader {
  private readonly logger = new Logger(AuthorsReader.name);
  private readonly misses = gatheredMisses(
    async (userIds) => (await unary(this.users.getUserNames({ userIds }))).users,
    (user) => user.id,
    MAX_USERS_PER_CALL,
  );

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    private readonly presenter: UserCardPresenter,
  ) {}

  /**
   * Authors by id: null for users that do not exist; none for those whose profile no cache holds
   * while the user service fails or is late.
   */
  async read(userIds: readonly string[]): Promise<Map<string, Author | null>> {
    const { authors, failed } = await this.lookUp(userIds);
    if (failed) {
      this.logger.warn(
        `${failed.ids.length} author(s) shown unnamed: ${errorMessage(failed.error)}`,
      );
    }
    return authors;
  }

  /** One author as `read` answers it: undefined when the user service could not be asked. */
  async readOne(userId: string): Promise<Author | null | undefined> {
    return (await this.read([userId])).get(userId);
  }

  /** One author, null for a user that does not exist; rejects when the user service cannot tell. */
  async find(userId: string): Promise<Author | null> {
    const { authors, failed } = await this.lookUp([userId]);
    if (failed) throw failed.error;
    return authors.get(userId) ?? null;
  }

  /**
   * The author's cached profile as this process holds it, even past its L1 time (null: the user
   * does not exist; undefined: not held). The same object while it is unchanged, so what was built
   * with it can tell it is still current.
   */
  heldProfile(userId: string): object | null | undefined {
    return this.cache.peekLocal<CachedProfile>(CacheKeys.userProfile(userId), { allowStale: true });
  }

  private async lookUp(
    userIds: readonly string[],
  ): Promise<{ authors: Map<string, Author | null>; failed?: { ids: string[]; error: unknown } }> {
    const ids = [...new Set(userIds)];
    const authors = new Map<string, Author | null>();
    if (ids.length === 0) return { authors };
    const cached = await this.cache.peekMany<CachedProfile>(
      ids.map((id) => CacheKeys.userProfile(id)),
    );
    const misses: string[] = [];
    ids.forEach((id, index) => {
      const profile = cached[index];
      if (profile === undefined) misses.push(id);
      else authors.set(id, profile === null ? null : this.present(profile));
    });
    const loaded = await Promise.allSettled(misses.map((id) => this.misses.load(id)));
    let failed: { ids: string[]; error: unknown } | undefined;
    misses.forEach((id, index) => {
      const outcome = loaded[index];
      if (outcome.status === 'fulfilled')
        authors.set(id, outcome.value && this.present(outcome.value));
      else {
        failed ??= { ids: [], error: outcome.reason };
        failed.ids.push(id);
      }
    });
    return { authors, failed };
  }

  private present(profile: CachedProfile): Author {
    return { name: profile.name, photo: this.presenter.photoUrl(profile.photo) };
  }
}
