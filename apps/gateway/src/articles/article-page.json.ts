import { formatPubdate } from '@app/config';
import type { articleV1 } from '@app/contracts';

import type { ArticleDetailView } from './articles.http.controller';

type ArticleFields = Pick<ArticleDetailView, 'art_id' | 'title' | 'pubdate' | 'content' | 'aut_id' | 'ch_id'>;
type PageFields = Omit<ArticleDetailView, keyof ArticleFields>;

/**
 * The article's own fields of the page, serialized once per cached detail: the two-level cache
 * hands out the same object until the article changes, and the content is most of the page.
 */
const articleFieldsJson = new WeakMap<articleV1.ArticleDetail, string>();

/** The article page as JSON: the article's serialized fields, then the author's, the reader's and the related ones. */
export function articlePageJson(article: articleV1.ArticleDetail, timeZone: string, rest: PageFields): string {
  let fields = articleFieldsJson.get(article);
  if (fields === undefined) {
    const own: ArticleFields = {
      art_id: article.artId,
      title: article.title,
      pubdate: formatPubdate(article.pubdate, timeZone),
      content: article.content,
      aut_id: article.autId,
      ch_id: article.chId,
    };
    fields = JSON.stringify(own).slice(0, -1);
    articleFieldsJson.set(article, fields);
  }
  return `${fields},${JSON.stringify(rest).slice(1)}`;
}
