import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('news_article_content')
export class ArticleContentEntity {
  @PrimaryColumn({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  /** HTML. */
  @Column({ type: 'longtext' })
  content: string;
}
