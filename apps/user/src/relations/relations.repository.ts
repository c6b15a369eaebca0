import { retryOnDeadlock } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, type Repository } from 'typeorm';

import { UserEntity } from '../users/user.entity';
import { RelationEntity, RelationType } from './relation.entity';

/** One follow edge: the other user and when the follow was made or last changed (epoch seconds). */
export interface FollowEdge {
  userId: string;
  followedAt: number;
}

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
   * one pair, so of two identical follows exactly one sees a change.
   */
  async upsert(
    userId: string,
    targetUserId: string,
    relation: RelationType,
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
          await manager.update(RelationEntity, { userId, targetUserId }, { relation });
        return previous;
      }),
    );
  }

  /** Moves the pair from `from` to `to`; false when it was not in `from` (nothing changed). */
  async transition(
    userId: string,
    targetUserId: string,
    from: RelationType,
    to: RelationType,
  ): Promise<boolean> {
    const result = await retryOnDeadlock(() =>
      this.relations.update({ userId, targetUserId, relation: from }, { relation: to }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Users `userId` follows, newest follow first. */
  async followingsOf(userId: string): Promise<FollowEdge[]> {
    const rows = await this.relations.find({
      select: { id: true, targetUserId: true, updateTime: true },
      where: { userId, relation: RelationType.Follow },
      order: { updateTime: 'DESC', id: 'DESC' },
    });
    return rows.map((row) => ({
      userId: row.targetUserId,
      followedAt: Math.floor(row.updateTime.getTime() / 1000),
    }));
  }

  /** Users following `userId`, newest follow first. */
  async followersOf(userId: string): Promise<FollowEdge[]> {
    const rows = await this.relations.find({
      select: { id: true, userId: true, updateTime: true },
      where: { targetUserId: userId, relation: RelationType.Follow },
      order: { updateTime: 'DESC', id: 'DESC' },
    });
    return rows.map((row) => ({
      userId: row.userId,
      followedAt: Math.floor(row.updateTime.getTime() / 1000),
    }));
  }

  /** Every live (follow or blacklist) relation `userId` has towards others. */
  async relationsOf(
    userId: string,
  ): Promise<Array<{ targetUserId: string; relation: RelationType }>> {
    return this.relations.find({
      select: { targetUserId: true, relation: true },
      where: { userId, relation: In([RelationType.Follow, RelationType.Blacklist]) },
    });
  }

  async findUsers(ids: readonly string[]): Promise<RelatedUser[]> {
    if (ids.length === 0) return [];
    return this.users.find({
      select: { id: true, name: true, photo: true },
      where: { id: In([...ids]) },
    });
  }
}
