import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum CommentStatus {
  Pending = 0,
  Approved = 1,
  Rejected = 2,
  Deleted = 3,
}

/** A comment on an article, or a reply when `parentId` is set. Live counts are in Redis (CounterKeys). */
@Entity('news_comment')
export class CommentEntity {
  @PrimaryColumn({ name: 'comment_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  @Column({ name: 'parent_id', type: 'bigint', unsigned: true, nullable: true })
  parentId: string | null;

  @Column({ name: 'like_count', type: 'int', default: 0 })
  likeCount: number;

  @Column({ name: 'reply_count', type: 'int', default: 0 })
  replyCount: number;

  @Column({ type: 'varchar', length: 200 })
  content: string;

  @Column({ name: 'is_top', type: 'boolean', default: false })
  isTop: boolean;

  /**
   * The commenter followed the article's author when commenting (`fans_comment_count`); null when
   * that could not be found out then, until the counter repair settles it.
   */
  @Column({ name: 'by_fan', type: 'boolean', nullable: true, default: false })
  byFan: boolean | null;

  @Column({ type: 'tinyint', default: CommentStatus.Approved })
  status: CommentStatus;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
