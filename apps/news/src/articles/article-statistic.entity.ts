import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per-article totals the media platform reads; live counters are in Redis (CounterKeys). */
@Entity('news_article_statistic')
export class ArticleStatisticEntity {
  @PrimaryColumn({ name: 'article_id', type: 'bigint', unsigned: true })
  articleId: string;

  @Column({ name: 'read_count', type: 'int' })
  readCount: number;

  @Column({ name: 'like_count', type: 'int' })
  likeCount: number;

  @Column({ name: 'dislike_count', type: 'int' })
  dislikeCount: number;

  @Column({ name: 'repost_count', type: 'int' })
  repostCount: number;

  @Column({ name: 'collect_count', type: 'int' })
  collectCount: number;

  @Column({ name: 'fans_comment_count', type: 'int' })
  fansCommentCount: number;
}
