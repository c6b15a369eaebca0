import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

import { characterLength, htmlToText } from './search-text.util';

/**
 * Every term starts with this letter: MariaDB's FULLTEXT index drops tokens shorter than 3
 * characters (`innodb_ft_min_token_size`, fixed until a server restart), which would lose every
 * two-character Chinese word; `w发展` survives.
 */
export const TERM_PREFIX = 'w';

const MIN_TERM_LENGTH = 3;
const MAX_TERM_LENGTH = 84;
/** Title words count this many times in the document, so title matches rank first. */
export const TITLE_BOOST = 2;
/** Text beyond this many characters of an article is not indexed (bounds the work per article). */
const MAX_CONTENT_CHARS = 200_000;

/**
 * InnoDB's default stopwords. A prefixed term equal to one (`w` + `ith` = `with`) is never
 * indexed, and as a required query term it would make every search fail.
 */
const INNODB_STOPWORDS = new Set(
  (
    'a about an are as at be by com de en for from how i in is it la of on or that the this to was what when ' +
    'where who will with und www'
  ).split(' '),
);

/** Function words that would only narrow a query without telling articles apart. */
const STOPWORDS = new Set([
  ...'an and are as at be by for from in is it of on or that the this to was with'.split(' '),
  ...'一个 这个 那个 这是 那是 这些 那些 我们 你们 他们 她们 它们 没有 什么 因为 所以'.split(' '),
  ...'但是 而且 以及 或者 还是 就是 已经 自己 关于 如何 怎么 怎样 可以 然后 如果 虽然'.split(' '),
]);

let sharedJieba: Jieba | undefined;

/** One jieba per process: loading its dictionary takes about half a second. */
function defaultJieba(): Jieba {
  sharedJieba ??= Jieba.withDict(dict);
  return sharedJieba;
}

/**
 * Turns text into FULLTEXT terms: jieba's search-mode words (a long word also yields its
 * sub-words), lower-cased NFKC letters and digits only (so no term can carry a boolean-mode
 * operator), prefixed with {@link TERM_PREFIX}; stopwords and terms MariaDB would not index are
 * dropped. Documents and queries go through the same steps, so they meet on the same terms.
 */
export class SearchTokenizer {
  constructor(private readonly jieba: Jieba = defaultJieba()) {}

  /** Terms of a text, in order, with repeats. */
  terms(text: string): string[] {
    const terms: string[] = [];
    for (const word of this.jieba.cutForSearch(text.normalize('NFKC').toLowerCase(), true)) {
      for (const part of word.split(/[^\p{L}\p{N}]+/u)) {
        const term = toTerm(part);
        if (term !== undefined) terms.push(term);
      }
    }
    return terms;
  }

  /** The indexed terms of an article: its title {@link TITLE_BOOST} times, then its text. */
  documentTerms(title: string, html: string): string[] {
    const titleTerms = this.terms(title);
    const boosted = Array.from({ length: TITLE_BOOST }, () => titleTerms).flat();
    return [...boosted, ...this.terms(htmlToText(html).slice(0, MAX_CONTENT_CHARS))];
  }
}

function toTerm(part: string): string | undefined {
  if (part.length === 0 || STOPWORDS.has(part)) return undefined;
  const term = TERM_PREFIX + part;
  const length = characterLength(term);
  if (length < MIN_TERM_LENGTH || length > MAX_TERM_LENGTH || INNODB_STOPWORDS.has(term))
    return undefined;
  return term;
}
