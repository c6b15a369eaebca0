import { CounterKeys } from '@app/cache';
import type { CounterQuery } from '@app/grpc';

import { ArticleStatus } from '../articles/article.entity';
import { CommentStatus } from '../comments/comment.entity';
import { ArticleAttitude } from '../reactions/attitude-transition';

/**
 * What each counter the news service keeps counts, as the write paths move it (the reference's
 * repair queries, with its join of the wrong table for likes fixed).
 */
export const NEWS_COUNTER_QUERIES: readonly CounterQuery[] = [
  {
    key: CounterKeys.userArticles,
    query: {
      from: 'news_article_basic',
      groupBy: 'user_id',
      where: `status = ${ArticleStatus.Approved}`,
    },
  },
  {
    key: CounterKeys.articleCollections,
    query: { from: 'news_collection', groupBy: 'article_id', where: 'is_deleted = 0' },
  },
  {
    key: CounterKeys.userCollections,
    query: { from: 'news_collection', groupBy: 'user_id', where: 'is_deleted = 0' },
  },
  {
    key: CounterKeys.articleLikes,
    query: {
      from: 'news_attitude',
      groupBy: 'article_id',
      where: `attitude = ${ArticleAttitude.Like}`,
    },
  },
  {
    key: CounterKeys.articleDislikes,
    query: {
      from: 'news_attitude',
      groupBy: 'article_id',
      where: `attitude = ${ArticleAttitude.Dislike}`,
    },
  },
  {
    // Likes received by each author, whatever the article's status now.
    key: CounterKeys.userLikesReceived,
    query: {
      from: 'news_attitude a JOIN news_article_basic b ON b.article_id = a.article_id',
      groupBy: 'b.user_id',
      where: `a.attitude = ${ArticleAttitude.Like}`,
    },
  },
  {
    key: CounterKeys.commentLikes,
    query: { from: 'news_comment_liking', groupBy: 'comment_id', where: 'is_deleted = 0' },
  },
  {
    // Comments and replies alike.
    key: CounterKeys.articleComments,
    query: {
      from: 'news_comment',
      groupBy: 'article_id',
      where: `status = ${CommentStatus.Approved}`,
    },
  },
  {
    key: CounterKeys.commentReplies,
    query: {
      from: 'news_comment',
      groupBy: 'parent_id',
      where: `status = ${CommentStatus.Approved} AND parent_id IS NOT NULL`,
    },
  },
];
