import { writeBetweenDrops } from '@app/cache';
import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';

import { ChannelErrors } from './channel.errors';
import type { ChannelSummary } from './channels.repository';
import { ChannelsService } from './channels.service';
import { UserChannelsCache } from './user-channels.cache';
import { UserChannelsRepository } from './user-channels.repository';
import {
  type ChannelPosition,
  validateChannelIds,
  validateChannelMove,
  validateChannelPositions,
} from './user-channels.validation';

function signedInUser(userId: string): string {
  if (!SNOWFLAKE_ID.test(userId)) throw AppError.unauthenticated('User must be authorized.');
  return userId;
}

/**
 * Each user's channel list; every change deletes `user:{uid}:ch` before and after it is written.
 * A user without channels of their own sees the defaults, and a change other than PUT edits those.
 */
@Injectable()
export class UserChannelsService {
  private readonly logger = new Logger(UserChannelsService.name);

  constructor(
    private readonly channels: ChannelsService,
    private readonly userChannels: UserChannelsRepository,
    private readonly cache: UserChannelsCache,
  ) {}

  /**
   * The user's channels by sequence; the default channels when anonymous or when the user has none.
   * The user's cached list (their channels not removed, hidden ones too) is read against the
   * visible channels as they are now: a channel hidden, shown again or renamed since it was cached
   * is left off, listed or named anew at once, where the list showed it as it was for up to an hour
   * (a hidden one a tab whose feed answers 400).
   */
  async list(userId: string): Promise<ChannelSummary[]> {
    if (userId === '') return this.channels.list(true);
    const [cachedOwn, visible] = await Promise.all([
      this.ownChannels(signedInUser(userId)),
      this.channels.list(false),
    ]);
    const names = new Map(visible.map(({ id, name }) => [id, name]));
    const own = cachedOwn.flatMap(({ id }) => {
      const name = names.get(id);
      return name === undefined ? [] : [{ id, name }];
    });
    return own.length > 0 ? own : this.channels.list(true);
  }

  /** POST: adds channels; conflict when one of them is already in the list. */
  async add(userId: string, channels: readonly ChannelPosition[]): Promise<ChannelPosition[]> {
    const user = signedInUser(userId);
    const valid = validateChannelPositions(channels, await this.visibleIds());
    const shown = await this.shownDefaults();
    await this.change(user, async () => {
      if (!(await this.userChannels.add(user, valid, shown)))
        throw ChannelErrors.conflictingChannels();
    });
    return valid;
  }

  /** PUT: the list becomes exactly these channels. */
  async replace(userId: string, channels: readonly ChannelPosition[]): Promise<ChannelPosition[]> {
    const user = signedInUser(userId);
    const valid = validateChannelPositions(channels, await this.visibleIds());
    await this.change(user, () => this.userChannels.replace(user, valid));
    return valid;
  }

  /** PATCH: adds or moves these channels and keeps the others. */
  async upsert(userId: string, channels: readonly ChannelPosition[]): Promise<ChannelPosition[]> {
    const user = signedInUser(userId);
    const valid = validateChannelPositions(channels, await this.visibleIds());
    const shown = await this.shownDefaults();
    await this.change(user, () => this.userChannels.upsert(user, valid, shown));
    return valid;
  }

  /** PUT `/user/channels/{id}`: puts one channel at `seq` (adding it if needed). */
  async move(userId: string, channelId: number, seq: number): Promise<ChannelPosition> {
    const user = signedInUser(userId);
    const position = validateChannelMove(channelId, seq, await this.visibleIds());
    const shown = await this.shownDefaults();
    await this.change(user, () => this.userChannels.upsert(user, [position], shown));
    return position;
  }

  async remove(userId: string, channelIds: readonly number[]): Promise<void> {
    const user = signedInUser(userId);
    const ids = validateChannelIds(channelIds);
    const shown = await this.shownDefaults();
    await this.change(user, () => this.userChannels.remove(user, ids, shown));
  }

  private async ownChannels(userId: string): Promise<ChannelSummary[]> {
    const cached = await this.cache.get(userId);
    if (cached) return cached;
    const lease = await this.cache.lease(userId);
    const own = await this.userChannels.findKept(userId);
    if (lease) await this.cache.fill(userId, lease, own);
    return own;
  }

  // Between two drops (`writeBetweenDrops`): the second also drops any fill lease taken while the
  // write ran. A change made and answered 503 would have the client send it again (a POST then
  // refused with 409).
  private change(userId: string, write: () => Promise<void>): Promise<void> {
    return writeBetweenDrops(
      () => this.cache.invalidate(userId),
      write,
      (error) =>
        this.logger.error(`the changed channels of ${userId} stay cached: ${String(error)}`),
    );
  }

  /** The default channels where a user without channels of their own sees them: 1, 2, … after 推荐. */
  private async shownDefaults(): Promise<ChannelPosition[]> {
    return (await this.channels.list(true)).map(({ id }, index) => ({ id, seq: index + 1 }));
  }

  private async visibleIds(): Promise<Set<number>> {
    return new Set((await this.channels.list(false)).map(({ id }) => id));
  }
}
