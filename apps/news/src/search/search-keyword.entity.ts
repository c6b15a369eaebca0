import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A keyword that found articles on page 1; completes suggestions (the reference's `completions`). */
@Entity('news_search_keyword')
export class SearchKeywordEntity {
  @PrimaryColumn({ type: 'varchar', length: 50 })
  keyword: string;

  @Column({ name: 'search_count', type: 'int', unsigned: true })
  searchCount: number;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
