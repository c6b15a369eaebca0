import type { authoringV1 } from '@app/contracts';

import { formatDateTime } from '@app/config';
import type { ResponseType } from './dto/list-articles-query.dto';

export interface MpCover {
  type: number;
  images: string[];
}

export interface MpArticleItem {
  id: string;
  title: string;
  status: number;
  cover: MpCover;
  pubdate: string;
}

export interface MpArticleCommentItem {
  id: string;
  title: string;
  comment_status: boolean;
  total_comment_count: number;
  fans_comment_count: number;
}

export interface MpArticleStatisticItem {
  id: string;
  title: string;
  comment_count: number;
  read_count: number;
  like_count: number;
  repost_count: number;
  collect_count: number;
}

export type MpListItem = MpArticleItem | MpArticleCommentItem | MpArticleStatisticItem;

function cover(row: { cover?: authoringV1.AuthoredCover }): MpCover {
  return { type: row.cover?.type ?? 0, images: row.cover?.images ?? [] };
}

/** One list row in the shape `response_type` asks for (reference 1.3). */
export function presentListItem(
  row: authoringV1.AuthoredArticleRow,
  type: ResponseType,
  timeZone: string,
): MpListItem {
  switch (type) {
    case 'comment':
      return {
        id: row.articleId,
        title: row.title,
        comment_status: row.allowComment,
        total_comment_count: row.commentCount,
        fans_comment_count: row.fansCommentCount,
      };
    case 'statistic':
      return {
        id: row.articleId,
        title: row.title,
        comment_count: row.commentCount,
        read_count: row.readCount,
        like_count: row.likeCount,
        repost_count: row.repostCount,
        collect_count: row.collectCount,
      };
    case 'default':
      return presentArticleItem(row, timeZone);
  }
}

/** The default list row, as the search of own articles answers it too. */
export function presentArticleItem(
  row: authoringV1.AuthoredArticleRow,
  timeZone: string,
): MpArticleItem {
  return {
    id: row.articleId,
    title: row.title,
    status: row.status,
    cover: cover(row),
    pubdate: formatDateTime(row.pubdate, timeZone),
  };
}

/** GET /articles/{id}: what the editor loads. */
export interface MpArticle {
  id: string;
  title: string;
  cover: MpCover;
  channel_id: number;
  content: string;
}

export function presentArticle(article: authoringV1.GetAuthoredArticleResponse): MpArticle {
  return {
    id: article.articleId,
    title: article.title,
    cover: cover(article),
    channel_id: article.channelId,
    content: article.content,
  };
}

/** A page of a list as the reference answers it. */
export interface Page<T> {
  total_count: number;
  page: number;
  per_page: number;
  results: T[];
}
