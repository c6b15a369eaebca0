import { characterLength } from './search-text.util';
import { fulltextForm, runTermsOf, wordOfTerm } from './search-tokenizer';

/** `_` is kept: it is part of a short word's term (`w_猫`) and no boolean-mode operator. */
const NOT_A_TERM_CHARACTER = /[^\p{L}\p{N}_]/gu;
const HAN_WORD = /^\p{Script=Han}+$/u;

const isSingleCharacter = (term: string): boolean => characterLength(wordOfTerm(term)) === 1;

/**
 * The `AGAINST(… IN BOOLEAN MODE)` string for query terms, or `undefined` when no term is left
 * (such a query matches nothing). Each distinct term is required (`+term`), except:
 * - a Chinese compound that contains another term of the query (jieba's search mode yields
 *   `人工智能` beside `人工` and `智能`): it only adds relevance, so an article segmented slightly
 *   differently still matches on the parts;
 * - a single character beside a longer word (`r 语言`, `猫 饮食`): jieba splits single characters
 *   off depending on their neighbours, so it only ranks articles that have it first; a query made
 *   of single characters alone (`猫`, `猫粮` as `猫` `粮`) requires them.
 * A required word of latin letters and digits is asked for whole or as all its runs
 * (`+(wmate60 (+wmate +w60))`): an article that writes it apart (`Mate 60`) holds the runs only.
 * Anything but letters, digits and `_` is removed, so no operator gets through; terms are written
 * in their `fulltextForm`.
 */
export function buildBooleanQuery(terms: readonly string[]): string | undefined {
  const distinct = [
    ...new Set(terms.map((term) => term.replace(NOT_A_TERM_CHARACTER, '')).filter(Boolean)),
  ];
  if (distinct.length === 0) return undefined;
  const words = distinct.filter((term) => !isSingleCharacter(term));
  const isCompound = (term: string): boolean =>
    HAN_WORD.test(wordOfTerm(term)) &&
    words.some((other) => other !== term && wordOfTerm(term).includes(wordOfTerm(other)));
  const requiresWords = words.length > 0;
  const isRequired = (term: string): boolean =>
    isSingleCharacter(term) ? !requiresWords : !isCompound(term);
  return distinct.map((term) => (isRequired(term) ? required(term) : fulltextForm(term))).join(' ');
}

/** A required term, with the alternative of its runs when it has them. */
function required(term: string): string {
  const runs = runTermsOf(term);
  if (runs.length === 0) return `+${fulltextForm(term)}`;
  return `+(${term} (${runs.map((run) => `+${run}`).join(' ')}))`;
}

/** `q` as a `LIKE 'q%'` pattern: `%`, `_` and `\` match themselves. */
export function likePrefixPattern(q: string): string {
  return `${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
