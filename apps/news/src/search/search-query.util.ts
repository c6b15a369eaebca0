import { TERM_PREFIX } from './search-tokenizer';

const NOT_A_TERM_CHARACTER = /[^\p{L}\p{N}]/gu;
const HAN_WORD = /^\p{Script=Han}+$/u;

const bare = (term: string): string =>
  term.startsWith(TERM_PREFIX) ? term.slice(TERM_PREFIX.length) : term;

/**
 * The `AGAINST(… IN BOOLEAN MODE)` string for query terms, or `undefined` when no term is left
 * (such a query matches nothing). Each distinct term is required (`+term`), except a Chinese
 * compound that contains another term of the query (jieba's search mode yields `人工智能` beside
 * `人工` and `智能`): it only adds relevance, so an article segmented slightly differently still
 * matches on the parts. Anything but letters and digits is removed, so no operator gets through.
 */
export function buildBooleanQuery(terms: readonly string[]): string | undefined {
  const distinct = [
    ...new Set(terms.map((term) => term.replace(NOT_A_TERM_CHARACTER, '')).filter(Boolean)),
  ];
  if (distinct.length === 0) return undefined;
  const isCompound = (term: string): boolean =>
    HAN_WORD.test(bare(term)) &&
    distinct.some((other) => other !== term && bare(term).includes(bare(other)));
  return distinct.map((term) => (isCompound(term) ? term : `+${term}`)).join(' ');
}

/** `q` as a `LIKE 'q%'` pattern: `%`, `_` and `\` match themselves. */
export function likePrefixPattern(q: string): string {
  return `${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
