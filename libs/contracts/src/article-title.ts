/** Characters of an article title at least and at most, as the reference's `.{5,30}`. */
export const ARTICLE_TITLE_MIN = 5;
export const ARTICLE_TITLE_MAX = 30;

/**
 * Whether `title` holds 5 to 30 characters once trimmed, counted in code points as the reference's
 * pattern counts them: `❤️❤️!` (two hearts, each with its variation selector) is five. News and the
 * media platform hold titles to this one rule, so a title one of them takes the other takes too.
 */
export function isArticleTitleLength(title: string): boolean {
  const length = [...title.trim()].length;
  return length >= ARTICLE_TITLE_MIN && length <= ARTICLE_TITLE_MAX;
}
