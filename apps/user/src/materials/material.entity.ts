import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** `user_material.type` as the reference stores it. */
export enum MaterialType {
  Image = 0,
  Video = 1,
  Audio = 2,
}

/** `user_material.status` as the reference stores it. */
export enum MaterialStatus {
  Pending = 0,
  Approved = 1,
  Failed = 2,
  Deleted = 3,
}

@Entity('user_material')
export class MaterialEntity {
  @PrimaryGeneratedColumn({ name: 'material_id', type: 'int', unsigned: true })
  id: number;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ type: 'tinyint' })
  type: MaterialType;

  /** Content hash of the file: one row per (user, hash). */
  @Column({ type: 'varchar', length: 128 })
  hash: string;

  /** Storage key (never a URL: the public base can change). */
  @Column({ type: 'varchar', length: 128 })
  url: string;

  @Column({ type: 'tinyint' })
  status: MaterialStatus;

  @Column({ name: 'reviewer_id', type: 'int', unsigned: true, nullable: true })
  reviewerId: number | null;

  @Column({ name: 'review_time', type: 'datetime', nullable: true })
  reviewTime: Date | null;

  @Column({ name: 'is_collected', type: 'boolean' })
  isCollected: boolean;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
