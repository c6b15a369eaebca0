import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** One report of an article by a user (UNIQUE(user_id, article_id): a user reports an article once). */
@Entity('news_report')
export class ReportEntity {
  @PrimaryGeneratedColumn({ name: 'report_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  /** 0 other, 1 exaggerated title, 2 vulgar, 3 typos, 4 stale/duplicate, 5 advert, 6 untrue, 7 illegal, 8 infringement. */
  @Column({ type: 'tinyint' })
  type: number;

  /** Kept only for type 0. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  remark: string | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
