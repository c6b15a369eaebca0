import {
  appliedOrFound,
  committedOrFound,
  keysetPages,
  retryOnDeadlock,
  writtenWithin,
} from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, type Repository } from 'typeorm';

import { UserEntity } from '../users/user.entity';
import { RelationEntity, RelationType } from './relation.entity';

/** One follow edge: the other user and when the follow was made or last changed (epoch ms). */
export interface FollowEdge {
  userId: string;
  followedAt: number;
}

/** Which follow list of a user: the users they follow, or their fans. */
export type FollowListKind = 'following' | 'fans';

/**
 * Per list: the owner's column, the listed users' column, and the column and index a read in
 * chunks walks (an index that ends with the walked column after the owner's, so each chunk is one
 * index range; MariaDB would otherwise scan the owner's fans from the first for every chunk).
 */
const LIST_COLUMNS = {
  following: {
    owner: 'user_id',
    listed: 'target_user_id',
    walk: 'target_user_id',
    index: 'uk_user_relation_pair',
  },
  fans: {
    owner: 'target_user_id',
    listed: 'user_id',
    walk: 'relation_id',
    index: 'idx_user_relation_target',
  },
} as const satisfies Record<
  FollowListKind,
  { owner: string; listed: string; walk: string; index: string }
>;

/** Rows a follow list is read in, so a popular author's fans are never all in memory at once. */
export const FOLLOW_LIST_CHUNK = 5_000;

/**
 * `update_time` of a changed relation, to the millisecond: it orders the follow lists, and the
 * query builder would otherwise write a whole second (CURRENT_TIMESTAMP), so follows made within
 * one second came in the order of the users' ids.
 */
const CHANGED_NOW = { updateTime: () => 'CURRENT_TIMESTAMP(3)' } as const;

/** What a relation list shows of a user. */
export type RelatedUser = Pick<UserEntity, 'id' | 'name' | 'photo'>;

@Injectable()
export class RelationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(RelationEntity) private readonly relations: Repository<RelationEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  /**
   * Sets the relation of the (user, target) pair, inserting the row if needed, and returns the
   * value it replaced (`Cancelled` for a new row). The row lock serialises concurrent calls on
   * one pair, so of two identical follows exactly one sees a change. A commit whose answer was
   * lost with the connection may have been made all the same: the row is then read again, and
   * one found holding `relation` answers the value the transaction replaced, so that the change
   * is counted, where the client's retry, finding it made, would count nothing.
   */
  upsert(userId: string, targetUserId: string, relation: RelationType): Promise<RelationType> {
    return committedOrFound<RelationType>(
      (answered) => this.upsertOnce(userId, targetUserId, relation, answered),
      async () => (await this.relationOf(userId, targetUserId)) === relation,
    );
  }

  private upsertOnce(
    userId: string,
    targetUserId: string,
    relation: RelationType,
    answered: (previous: RelationType) => RelationType,
  ): Promise<RelationType> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        // ON DUPLICATE KEY takes an exclusive lock on an existing row; a plain SELECT ... FOR UPDATE
        // on a missing row would take gap locks that deadlock two concurrent inserts.
        await manager.query(
          `INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, ?)
           ON DUPLICATE KEY UPDATE relation_id = relation_id`,
          [userId, targetUserId, RelationType.Cancelled],
        );
        const rows = await manager.query<Array<{ relation: number | string }>>(
          'SELECT relation FROM user_relation WHERE user_id = ? AND target_user_id = ? FOR UPDATE',
          [userId, targetUserId],
        );
        const previous = Number(rows[0]?.relation ?? RelationType.Cancelled) as RelationType;
        if (previous !== relation)
          await manager.update(
            RelationEntity,
            { userId, targetUserId },
            { relation, ...CHANGED_NOW },
          );
        return answered(previous);
      }),
    );
  }

  /**
   * Moves the pair from `from` to `to`; false when it was not in `from` (nothing changed). An
   * update whose answer was lost may have been made all the same (see `appliedOrFound`).
   */
  transition(
    userId: string,
    targetUserId: string,
    from: RelationType,
    to: RelationType,
  ): Promise<boolean> {
    return appliedOrFound(
      async () => {
        const result = await retryOnDeadlock(() =>
          this.relations.update(
            { userId, targetUserId, relation: from },
            { relation: to, ...CHANGED_NOW },
          ),
        );
        return (result.affected ?? 0) > 0;
      },
      (withinMs) =>
        this.relations.exists({
          where: { userId, targetUserId, relation: to, updateTime: writtenWithin(withinMs) },
        }),
    );
  }

  /**
   * A follow list a chunk at a time (keyset on LIST_COLUMNS' walked column), so memory stays
   * bounded however long the list is: a million fans took the user service past its heap cap
   * when read whole.
   */
  async *followEdges(
    kind: FollowListKind,
    userId: string,
    chunkSize = FOLLOW_LIST_CHUNK,
  ): AsyncGenerator<FollowEdge[]> {
    const { owner, listed, walk, index } = LIST_COLUMNS[kind];
    const sql =
      `SELECT ${walk} AS id, ${listed} AS listed, update_time AS updateTime FROM user_relation FORCE INDEX (${index}) ` +
      `WHERE ${owner} = ? AND relation = ? AND ${walk} > CAST(? AS UNSIGNED) ` +
      `ORDER BY ${walk} LIMIT ${chunkSize}`;
    const pages = keysetPages(
      (after) =>
        this.dataSource.query<
          Array<{ id: string | number; listed: string | number; updateTime: Date }>
        >(sql, [userId, RelationType.Follow, after]),
      (row) => row.id,
      chunkSize,
    );
    for await (const rows of pages) {
      yield rows.map((row) => ({
        userId: String(row.listed),
        followedAt: row.updateTime.getTime(),
      }));
    }
  }

  /** One page of a follow list straight from MySQL, newest follow first. */
  async followPage(
    kind: FollowListKind,
    userId: string,
    offset: number,
    limit: number,
  ): Promise<string[]> {
    const { owner, listed } = LIST_COLUMNS[kind];
    const rows = await this.dataSource.query<Array<{ listed: string | number }>>(
      `SELECT ${listed} AS listed FROM user_relation WHERE ${owner} = ? AND relation = ? ` +
        'ORDER BY update_time DESC, relation_id DESC LIMIT ? OFFSET ?',
      [userId, RelationType.Follow, limit, offset],
    );
    return rows.map((row) => String(row.listed));
  }

  /**
   * Which of `ids` are in the follow list, by the (follower, target) unique key: one lookup per
   * id, however long the list is.
   */
  async listedAmong(
    kind: FollowListKind,
    userId: string,
    ids: readonly string[],
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { owner, listed } = LIST_COLUMNS[kind];
    const rows = await this.dataSource.query<Array<{ listed: string | number }>>(
      `SELECT ${listed} AS listed FROM user_relation WHERE ${owner} = ? AND ${listed} IN (?) AND relation = ?`,
      [userId, [...ids], RelationType.Follow],
    );
    return new Set(rows.map((row) => String(row.listed)));
  }

  /**
   * The live (follow or blacklist) relations `userId` has towards others, at most `limit` + 1 of
   * them: more than `limit` says the user has too many to hold at once.
   */
  async relationsOf(
    userId: string,
    limit: number,
  ): Promise<Array<{ targetUserId: string; relation: RelationType }>> {
    return this.relations.find({
      select: { targetUserId: true, relation: true },
      where: { userId, relation: In([RelationType.Follow, RelationType.Blacklist]) },
      take: limit + 1,
    });
  }

  /** Users `userId` blacklisted, at most `limit` + 1 of them: more than `limit` says there are more. */
  async blacklistOf(userId: string, limit: number): Promise<string[]> {
    const rows = await this.relations.find({
      select: { targetUserId: true },
      where: { userId, relation: RelationType.Blacklist },
      take: limit + 1,
    });
    return rows.map((row) => String(row.targetUserId));
  }

  /** The stored relation of the pair (`Cancelled` when there is none). */
  async relationOf(userId: string, targetUserId: string): Promise<RelationType> {
    const row = await this.relations.findOne({
      select: { relation: true },
      where: { userId, targetUserId },
    });
    return row ? Number(row.relation) : RelationType.Cancelled;
  }

  async findUsers(ids: readonly string[]): Promise<RelatedUser[]> {
    if (ids.length === 0) return [];
    return this.users.find({
      select: { id: true, name: true, photo: true },
      where: { id: In([...ids]) },
    });
  }
}
