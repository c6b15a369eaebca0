import type { articleV1 } from '@app/contracts';

import type { ArticleDetailRow, ArticleInfoRow } from './articles.repository';

/** `art:{id}:info`: the JSON of `articleV1.ArticleInfo`. */
export function toArticleInfo(row: ArticleInfoRow): articleV1.ArticleInfo {
  const images = Array.isArray(row.cover?.images)
    ? row.cover.images.filter((image) => typeof image === 'string')
    : [];
  return {
    artId: row.id,
    title: row.title,
    autId: row.userId,
    pubdate: row.createTime.toISOString(),
    chId: row.channelId,
    allowComm: Boolean(row.allowComment),
    cover: { type: Number(row.cover?.type ?? 0), images },
  };
}

/** `art:{id}:detail`: the JSON of `articleV1.ArticleDetail`. */
export function toArticleDetail(row: ArticleDetailRow): articleV1.ArticleDetail {
  return {
    artId: row.id,
    title: row.title,
    pubdate: row.createTime.toISOString(),
    content: row.content,
    autId: row.userId,
    chId: row.channelId,
  };
}
