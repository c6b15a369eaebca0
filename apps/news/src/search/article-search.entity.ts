import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The `mysql` search driver's document of one approved article. */
@Entity('news_article_search')
export class ArticleSearchEntity {
  @PrimaryColumn({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  /** Space-separated prefixed jieba terms (see SearchTokenizer). */
  @Index('ft_news_article_search_tokens', { fulltext: true })
  @Column({ type: 'longtext' })
  tokens: string;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
