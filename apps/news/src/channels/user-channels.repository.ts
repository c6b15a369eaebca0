import { retryOnDeadlock } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, QueryFailedError } from 'typeorm';

import { ChannelEntity } from './channel.entity';
import type { ChannelSummary } from './channels.repository';
import { UserChannelEntity } from './user-channel.entity';
import type { ChannelPosition } from './user-channels.validation';

/** Thrown inside a transaction to roll it back when an added channel is already in the list. */
class ChannelConflict extends Error {}

function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === 'ER_DUP_ENTRY'
  );
}

/** The user's channels that are not removed, hidden ones too. */
function keptChannels(manager: EntityManager, userId: string) {
  return manager
    .getRepository(UserChannelEntity)
    .createQueryBuilder('uc')
    .innerJoin(ChannelEntity, 'c', 'c.channel_id = uc.channel_id')
    .where('uc.user_id = :userId', { userId })
    .andWhere('uc.is_deleted = 0');
}

/** The user's channels that are neither removed nor hidden: what the app lists. */
function activeChannels(manager: EntityManager, userId: string) {
  return keptChannels(manager, userId).andWhere('c.is_visible = 1');
}

/**
 * Each user's channel list (`news_user_channel`); every change is one transaction. A user
 * without channels of their own is shown the default ones (`shown`, at their place after 推荐):
 * a change other than a replacement first makes those the user's own, so it edits the list the
 * user saw (the mobile client adds one channel with PATCH and removes one with DELETE).
 */
@Injectable()
export class UserChannelsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's channels that are neither removed nor hidden, by the user's sequence, then id. */
  findActive(userId: string): Promise<ChannelSummary[]> {
    return this.listed(activeChannels(this.dataSource.manager, userId));
  }

  /**
   * The user's channels that are not removed, hidden ones too, by the user's sequence, then id:
   * what `user:{uid}:ch` keeps, read against the visible channels, so that a channel shown or
   * hidden by an edit is listed or left off at once.
   */
  findKept(userId: string): Promise<ChannelSummary[]> {
    return this.listed(keptChannels(this.dataSource.manager, userId));
  }

  private listed(channels: ReturnType<typeof keptChannels>): Promise<ChannelSummary[]> {
    return channels
      .select('c.channel_id', 'id')
      .addSelect('c.channel_name', 'name')
      .orderBy('uc.sequence', 'ASC')
      .addOrderBy('uc.channel_id', 'ASC')
      .getRawMany<ChannelSummary>();
  }

  /**
   * Adds channels the user does not have (a removed one comes back). Returns false, changing
   * nothing, when any of them is already in the list, also when a concurrent request added it.
   */
  async add(
    userId: string,
    channels: readonly ChannelPosition[],
    shown: readonly ChannelPosition[],
  ): Promise<boolean> {
    try {
      await this.changeList(userId, async (manager) => {
        await this.adoptShownIfNone(manager, userId, shown);
        const existing = await manager.find(UserChannelEntity, {
          select: { channelId: true, isDeleted: true },
          where: { userId, channelId: In(channels.map(({ id }) => id)) },
        });
        if (existing.some((row) => !row.isDeleted)) throw new ChannelConflict();
        const removed = new Set(existing.map((row) => row.channelId));
        for (const { id, seq } of channels.filter(({ id }) => removed.has(id))) {
          const restored = await manager.update(
            UserChannelEntity,
            { userId, channelId: id, isDeleted: true },
            { isDeleted: false, sequence: seq },
          );
          if (restored.affected !== 1) throw new ChannelConflict();
        }
        const added = channels.filter(({ id }) => !removed.has(id));
        if (added.length > 0) {
          await manager.insert(
            UserChannelEntity,
            added.map(({ id, seq }) => ({
              userId,
              channelId: id,
              sequence: seq,
              isDeleted: false,
            })),
          );
        }
      });
      return true;
    } catch (error) {
      if (error instanceof ChannelConflict || isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The list becomes exactly `channels`: every other channel is removed. */
  async replace(userId: string, channels: readonly ChannelPosition[]): Promise<void> {
    await this.changeList(userId, async (manager) => {
      await manager.update(UserChannelEntity, { userId, isDeleted: false }, { isDeleted: true });
      await this.upsertWith(manager, userId, channels);
    });
  }

  /**
   * Puts `channels` in the list at their sequence (restoring removed ones) and keeps the rest. One
   * added at a sequence a listed channel already holds goes after every listed channel, and the
   * list is numbered 1, 2, … again: the mobile client adds at `seq` = the length of the list it
   * shows and shows the channel last, so quick taps send the seq the first one took, and a
   * hidden channel's sequence makes the one it sends fall inside the list.
   */
  async upsert(
    userId: string,
    channels: readonly ChannelPosition[],
    shown: readonly ChannelPosition[],
  ): Promise<void> {
    await this.changeList(userId, async (manager) => {
      const listed = await this.listedOrAdopted(manager, userId, shown);
      await this.upsertWith(manager, userId, channels);
      const listedIds = new Set(listed.map(({ id }) => id));
      const takenSeqs = new Set(listed.map(({ seq }) => seq));
      const collided = channels.filter(({ id, seq }) => !listedIds.has(id) && takenSeqs.has(seq));
      if (collided.length > 0)
        await this.renumber(manager, userId, new Set(collided.map(({ id }) => id)));
    });
  }

  /**
   * Removes channels from the list; ids not in it are ignored. The channels left are numbered
   * 1, 2, … again in their order: the mobile client adds a channel at `seq` = its place after
   * them, which a gap left by the removal would put before the last ones.
   */
  async remove(
    userId: string,
    channelIds: readonly number[],
    shown: readonly ChannelPosition[],
  ): Promise<void> {
    await this.changeList(userId, async (manager) => {
      await this.adoptShownIfNone(manager, userId, shown);
      await manager.update(
        UserChannelEntity,
        { userId, channelId: In([...channelIds]), isDeleted: false },
        { isDeleted: true },
      );
      await this.renumber(manager, userId);
    });
  }

  /**
   * One change of a user's list in its own transaction, after the user's lock row is taken, run
   * again if InnoDB still picks it as a deadlock victim. READ COMMITTED: the lock row already
   * queues the changes of one list, and each statement then reads the list the change before it
   * committed; repeatable reads would also lock the gaps next to the user's rows in
   * `news_user_channel`, which the first changes of every new user (the newest ids) share.
   */
  private changeList(
    userId: string,
    change: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction('READ COMMITTED', async (manager) => {
        await this.lockList(manager, userId);
        await change(manager);
      }),
    );
  }

  /**
   * Locks the user's row of `news_user_channel_lock` (adding it) until the transaction ends, so
   * that concurrent changes of one list queue up and each reads the list as the change before it
   * left it: a change that found no rows of its own would otherwise make the defaults the user's
   * rows again over a removal or a replacement committed meanwhile, and a renumbering must see
   * the list the change before it left. A new key's insert locks no gap, and an existing key's
   * duplicate check locks that row only, so no other user's change waits for it.
   */
  private async lockList(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      'INSERT INTO news_user_channel_lock (user_id) VALUES (?) ON DUPLICATE KEY UPDATE user_id = user_id',
      [userId],
    );
  }

  /**
   * Numbers the listed channels 1, 2, … by their order, `placedLast` after all the others; hidden
   * and removed ones keep theirs.
   */
  private async renumber(
    manager: EntityManager,
    userId: string,
    placedLast: ReadonlySet<number> = new Set(),
  ): Promise<void> {
    const last = (id: number) => (placedLast.has(id) ? 1 : 0);
    const listed = (await this.listedPositions(manager, userId)).sort(
      (a, b) => last(a.id) - last(b.id) || a.seq - b.seq || a.id - b.id,
    );
    const moved = listed
      .map(({ id }, index) => ({ id, seq: index + 1 }))
      .filter(({ seq }, index) => listed[index].seq !== seq);
    if (moved.length > 0) await this.upsertWith(manager, userId, moved);
  }

  /** The listed channels' positions, by sequence, then id. */
  private async listedPositions(
    manager: EntityManager,
    userId: string,
  ): Promise<ChannelPosition[]> {
    const rows = await activeChannels(manager, userId)
      .select('uc.channel_id', 'id')
      .addSelect('uc.sequence', 'seq')
      .orderBy('uc.sequence', 'ASC')
      .addOrderBy('uc.channel_id', 'ASC')
      .getRawMany<{ id: number | string; seq: number | string }>();
    return rows.map((row) => ({ id: Number(row.id), seq: Number(row.seq) }));
  }

  /**
   * The listed channels' positions, read once; for a user without any, `shown`, made the user's
   * own without reading them back (a default hidden since `shown` was read counts as listed).
   */
  private async listedOrAdopted(
    manager: EntityManager,
    userId: string,
    shown: readonly ChannelPosition[],
  ): Promise<readonly ChannelPosition[]> {
    const listed = await this.listedPositions(manager, userId);
    if (listed.length > 0 || shown.length === 0) return listed;
    await this.upsertWith(manager, userId, shown);
    return shown;
  }

  private async adoptShownIfNone(
    manager: EntityManager,
    userId: string,
    shown: readonly ChannelPosition[],
  ): Promise<void> {
    if (shown.length === 0 || (await activeChannels(manager, userId).getExists())) return;
    await this.upsertWith(manager, userId, shown);
  }

  private async upsertWith(
    manager: EntityManager,
    userId: string,
    channels: readonly ChannelPosition[],
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(UserChannelEntity)
      .values(
        channels.map(({ id, seq }) => ({ userId, channelId: id, sequence: seq, isDeleted: false })),
      )
      .orUpdate(['sequence', 'is_deleted'], ['user_id', 'channel_id'])
      .updateEntity(false)
      .execute();
  }
}
