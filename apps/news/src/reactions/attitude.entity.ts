import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import type { ArticleAttitude } from './attitude-transition';

/** A user's attitude to an article (UNIQUE(user_id, article_id)); cancelling sets it to NULL. */
@Entity('news_attitude')
export class AttitudeEntity {
  @PrimaryGeneratedColumn({ name: 'attitude_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  /** 0 dislike, 1 like, NULL none. */
  @Column({ type: 'tinyint', nullable: true })
  attitude: ArticleAttitude | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
