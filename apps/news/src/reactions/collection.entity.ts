import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A user's collected article; removal is a soft delete so collecting again flips the same row (UNIQUE(user_id, article_id)). */
@Entity('news_collection')
export class CollectionEntity {
  @PrimaryGeneratedColumn({ name: 'collection_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  @Column({ name: 'is_deleted', type: 'boolean', default: false })
  isDeleted: boolean;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  /** When the article was last collected (or removed): the order of the collection list. */
  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
