import { formatPubdate } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { ENVELOPE_HEAD, ENVELOPE_TAIL } from '@app/grpc';

import type { ArticleDetailView } from './article-detail-view';

type ArticleFields = Pick<
  ArticleDetailView,
  'art_id' | 'title' | 'pubdate' | 'content' | 'aut_id' | 'ch_id'
>;
export type PageFields = Omit<ArticleDetailView, keyof ArticleFields>;

/**
 * The envelope and the article's own fields of the page, as UTF-8, once per cached detail: the
 * two-level cache hands out the same object until the article changes, and the content is most
 * of the page.
 */
const articleHeads = new WeakMap<articleV1.ArticleDetail, Buffer>();

/**
 * The enveloped article page as bytes: the article's cached fields, then the author's, the
 * reader's and the related ones. Fastify sends a Buffer as it is; a string it would measure and
 * encode, content and all, for every request.
 */
export function articlePageBody(
  article: articleV1.ArticleDetail,
  timeZone: string,
  rest: PageFields,
): Buffer {
  let head = articleHeads.get(article);
  if (head === undefined) {
    const own: ArticleFields = {
      art_id: article.artId,
      title: article.title,
      pubdate: formatPubdate(article.pubdate, timeZone),
      content: article.content,
      aut_id: article.autId,
      ch_id: article.chId,
    };
    head = Buffer.from(`${ENVELOPE_HEAD}${JSON.stringify(own).slice(0, -1)}`);
    articleHeads.set(article, head);
  }
  return Buffer.concat([head, Buffer.from(`,${JSON.stringify(rest).slice(1)}${ENVELOPE_TAIL}`)]);
}
