import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum ArticleStatus {
  Draft = 0,
  PendingReview = 1,
  Approved = 2,
  Rejected = 3,
  Deleted = 4,
  Banned = 5,
}

export enum CoverType {
  None = 0,
  One = 1,
  Three = 3,
}

export interface ArticleCover {
  type: CoverType;
  images: string[];
}

@Entity('news_article_basic')
export class ArticleEntity {
  @PrimaryColumn({ name: 'article_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'channel_id', type: 'int', unsigned: true })
  channelId: number;

  @Column({ type: 'varchar', length: 128 })
  title: string;

  @Column({ type: 'json' })
  cover: ArticleCover;

  @Column({ type: 'tinyint' })
  status: ArticleStatus;

  @Column({ name: 'reviewer_id', type: 'int', unsigned: true, nullable: true })
  reviewerId: number | null;

  @Column({ name: 'review_time', type: 'datetime', nullable: true })
  reviewTime: Date | null;

  @Column({ name: 'delete_time', type: 'datetime', nullable: true })
  deleteTime: Date | null;

  @Column({ name: 'reject_reason', type: 'varchar', length: 200, nullable: true })
  rejectReason: string | null;

  @Column({ name: 'allow_comment', type: 'boolean' })
  allowComment: boolean;

  /** The version of the last change of `status` written (see `AuthoringRepository`). */
  @Column({ name: 'change_version', type: 'bigint', unsigned: true, nullable: true })
  changeVersion: string | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
