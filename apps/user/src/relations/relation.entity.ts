import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** `user_relation.relation` as the reference stores it. */
export enum RelationType {
  Cancelled = 0,
  Follow = 1,
  Blacklist = 2,
}

@Entity('user_relation')
export class RelationEntity {
  @PrimaryGeneratedColumn({ name: 'relation_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'target_user_id', type: 'bigint', unsigned: true })
  targetUserId: string;

  @Column({ type: 'tinyint' })
  relation: RelationType;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime', precision: 3 })
  updateTime: Date;
}
