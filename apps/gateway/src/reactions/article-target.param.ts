import { SNOWFLAKE_ID } from '@app/snowflake';

import { ArticleErrors } from '../articles/article.errors';

/**
 * `{target}` of DELETE /article/collections/{t}, /likings/{t}, /dislikes/{t}: the reference
 * routed only positive integers there, so no other id has a route (404).
 */
export function articleTargetParam(target: string): string {
  if (!SNOWFLAKE_ID.test(target)) throw ArticleErrors.notFound();
  return target;
}
