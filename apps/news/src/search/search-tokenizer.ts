import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

import { characterLength, htmlToText } from './search-text.util';

/**
 * Every term starts with this letter: MariaDB's FULLTEXT index drops tokens shorter than 3
 * characters (`innodb_ft_min_token_size`, fixed until a server restart), which would lose every
 * two-character Chinese word; `w发展` survives.
 */
export const TERM_PREFIX = 'w';

/**
 * The prefix of a word whose `w` form the index would drop: a single character (`w猫` is 2
 * characters; the minimum counts characters, not bytes) or a word that `w` turns into an InnoDB
 * stopword (`w` + `hat` = `what`). `_` counts as a letter to FULLTEXT but never occurs in a word
 * (terms keep letters and digits only), so `w_猫` is no other word's term, and no stopword starts
 * with it. Every other word keeps its `w` form, so entries written before this prefix stay valid.
 */
export const SHORT_TERM_PREFIX = 'w_';

/**
 * A character beyond the BMP (`𠮷`, `𫓹`: the CJK extensions, met in names): MariaDB's FULLTEXT
 * parser knows no character type for one and splits a term at it, so `w_𠮷` was stored as `w_`,
 * too short to be kept, and a query for it matched nothing.
 */
const BEYOND_BMP = /[\u{10000}-\u{10FFFF}]/gu;

const MIN_TERM_LENGTH = 3;
const MAX_TERM_LENGTH = 84;
/** Title words count this many times in the document, so title matches rank first. */
export const TITLE_BOOST = 2;
/** Text beyond this many characters of an article is not indexed (bounds the work per article). */
const MAX_CONTENT_CHARS = 200_000;

/**
 * InnoDB's default stopwords: the index drops them, and a required query term that is one
 * matches nothing.
 */
const INNODB_STOPWORDS = new Set(
  (
    'a about an are as at be by com de en for from how i in is it la of on or that the this to was what when ' +
    'where who will with und www'
  ).split(' '),
);

/** Function words that would only narrow a query without telling articles apart. */
const STOPWORDS = new Set([
  ...'a an and are as at be by for from i in is it of on or that the this to was with'.split(' '),
  ...'一个 这个 那个 这是 那是 这些 那些 我们 你们 他们 她们 它们 没有 什么 因为 所以'.split(' '),
  ...'但是 而且 以及 或者 还是 就是 已经 自己 关于 如何 怎么 怎样 可以 然后 如果 虽然'.split(' '),
  // Single characters are terms too: the commonest function characters would be in every entry.
  ...'的 地 得 了 着 过 是 在 和 与 及 或 也 都 就 而 之 吗 呢 吧 啊'.split(' '),
  ...'把 被 让 对 从 向 于 这 那 我 你 他 她 它 个 又 很 还 将 但'.split(' '),
  ...'并 等 给 有 不 会 要 到 说'.split(' '),
]);

let sharedJieba: Jieba | undefined;

/** One jieba per process: loading its dictionary takes about half a second. */
function defaultJieba(): Jieba {
  sharedJieba ??= Jieba.withDict(dict);
  return sharedJieba;
}

/** Jieba's words of a text as written (no case or width folded), parting a text without spaces. */
export function cutWords(text: string): string[] {
  return defaultJieba().cut(text, true);
}

/**
 * Turns text into FULLTEXT terms: jieba's search-mode words (a long word also yields its
 * sub-words), lower-cased NFKC letters and digits only (so no term can carry a boolean-mode
 * operator), prefixed with {@link TERM_PREFIX}, or {@link SHORT_TERM_PREFIX} where that form would
 * not be indexed; stopwords and words too long for the index are dropped. Documents and queries
 * go through the same steps, so they meet on the same terms.
 */
export class SearchTokenizer {
  constructor(private readonly jieba: Jieba = defaultJieba()) {}

  /** Terms of a text, in order, with repeats. */
  terms(text: string): string[] {
    return this.cut(text, (word) => [word]);
  }

  /**
   * The indexed terms of an article: its title {@link TITLE_BOOST} times, then its text. A word of
   * latin letters and digits also gives its letter and digit runs (`vue3` → `vue3`, `vue`, `3`),
   * so `vue` finds it; a query keeps the word whole and asks for it or all its runs (see
   * {@link runTermsOf}), so `mate60` finds `Mate 60` too.
   */
  documentTerms(title: string, html: string): string[] {
    const titleTerms = this.cut(title, withLetterAndDigitRuns);
    const boosted = Array.from({ length: TITLE_BOOST }, () => titleTerms).flat();
    const text = htmlToText(html).slice(0, MAX_CONTENT_CHARS);
    return [...boosted, ...this.cut(text, withLetterAndDigitRuns)];
  }

  private cut(text: string, wordsOf: (word: string) => string[]): string[] {
    const terms: string[] = [];
    for (const word of this.jieba.cutForSearch(text.normalize('NFKC').toLowerCase(), true)) {
      for (const part of word.split(/[^\p{L}\p{N}]+/u)) {
        for (const piece of wordsOf(part)) {
          const term = toTerm(piece);
          if (term !== undefined) terms.push(term);
        }
      }
    }
    return terms;
  }
}

/** The letter and digit runs of a word mixing latin letters and digits; none for any other word. */
function letterAndDigitRuns(word: string): string[] {
  if (!/^[a-z0-9]+$/.test(word)) return [];
  const runs = word.match(/[a-z]+|[0-9]+/g) ?? [];
  return runs.length > 1 ? runs : [];
}

/** The word, then its letter and digit runs when it mixes latin letters and digits. */
function withLetterAndDigitRuns(word: string): string[] {
  return [word, ...letterAndDigitRuns(word)];
}

/**
 * The terms of the letter and digit runs of a term's word (`wmate60` → `wmate`, `w60`), as an
 * article's entry holds them beside the whole word: an article that writes the word apart
 * (`Mate 60`) has the runs only. Empty when the word has no runs, or when a run has no term (a
 * stopword: `it2`), which would leave the other runs to match articles without it.
 */
export function runTermsOf(term: string): string[] {
  const terms = letterAndDigitRuns(wordOfTerm(term)).map(toTerm);
  return terms.every((runTerm) => runTerm !== undefined) ? terms : [];
}

/** The word a term was made of (its prefix removed). */
export function wordOfTerm(term: string): string {
  for (const prefix of [SHORT_TERM_PREFIX, TERM_PREFIX])
    if (term.startsWith(prefix)) return term.slice(prefix.length);
  return term;
}

/**
 * A term as the FULLTEXT index stores and matches it: each character beyond the BMP written as its
 * code point in hex between `_`, which no word holds (terms keep letters and digits only), so the
 * form is no other term's. Entries and queries go through it alike.
 */
export function fulltextForm(term: string): string {
  return term.replace(
    BEYOND_BMP,
    (character) => `_${(character.codePointAt(0) ?? 0).toString(16)}_`,
  );
}

function toTerm(word: string): string | undefined {
  if (word.length === 0 || STOPWORDS.has(word)) return undefined;
  const term = TERM_PREFIX + word;
  const length = characterLength(term);
  if (characterLength(fulltextForm(term)) > MAX_TERM_LENGTH) return undefined;
  return length < MIN_TERM_LENGTH || INNODB_STOPWORDS.has(term) ? SHORT_TERM_PREFIX + word : term;
}
