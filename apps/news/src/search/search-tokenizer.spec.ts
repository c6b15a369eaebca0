import {
  SearchTokenizer,
  SHORT_TERM_PREFIX,
  TERM_PREFIX,
  TITLE_BOOST,
  wordOfTerm,
} from './search-tokenizer';
import { htmlToText, normalizeKeyword } from './search-text.util';

describe('SearchTokenizer', () => {
  const tokenizer = new SearchTokenizer();

  it('prefixes every term so two-character Chinese words reach the 3-character FULLTEXT minimum', () => {
    const terms = tokenizer.terms('中国经济发展迅速');
    expect(terms).toEqual(['w中国', 'w经济', 'w发展', 'w迅速']);
    expect(terms.every((term) => term.startsWith(TERM_PREFIX) && [...term].length >= 3)).toBe(true);
  });

  it('adds the sub-words of a long word (search mode)', () => {
    expect(tokenizer.terms('人工智能')).toEqual(['w人工', 'w智能', 'w人工智能']);
  });

  it('lower-cases latin words, folds full-width letters and splits on punctuation', () => {
    expect(tokenizer.terms('NestJS gRPC-Web ＰＹＴＨＯＮ')).toEqual([
      'wnestjs',
      'wgrpc',
      'wweb',
      'wpython',
    ]);
  });

  it('keeps only letters and digits, so no term can carry a boolean-mode operator', () => {
    const terms = tokenizer.terms('+go -java >rust <c (ts) ~php *lua "sql" @dist &x |y:z');
    expect(terms.every((term) => /^[\p{L}\p{N}_]+$/u.test(term))).toBe(true);
    expect(terms).toEqual(
      expect.arrayContaining(['wgo', 'wjava', 'wrust', 'w_c', 'wts', 'wphp', 'wlua', 'wsql']),
    );
  });

  it('gives single characters the longer prefix, so they reach the 3-character minimum too', () => {
    expect(tokenizer.terms('猫 车 C R 6')).toEqual(['w_猫', 'w_车', 'w_c', 'w_r', 'w_6']);
    expect(tokenizer.terms('猫粮')).toEqual(['w_猫', 'w_粮']);
    expect(
      tokenizer
        .terms('猫 c')
        .every((term) => term.startsWith(SHORT_TERM_PREFIX) && [...term].length === 3),
    ).toBe(true);
  });

  it('gives the longer prefix to words that `w` would turn into an InnoDB stopword', () => {
    // `w` + `hat` = `what`, `w` + `ith` = `with`, `w` + `here` = `where`, `w` + `w` + `w` = `www`.
    expect(tokenizer.terms('hat ith here ill hen ww')).toEqual([
      'w_hat',
      'w_ith',
      'w_here',
      'w_ill',
      'w_hen',
      'w_ww',
    ]);
  });

  it('keeps the `w` form of every other word, as entries written before the longer prefix have it', () => {
    expect(tokenizer.terms('about will go 发展')).toEqual(['wabout', 'wwill', 'wgo', 'w发展']);
  });

  it('drops stopwords, single function characters included', () => {
    expect(tokenizer.terms('the a I of 的 了 是 在 我们 Go')).toEqual(['wgo']);
  });

  it('tells the word of a term of either prefix', () => {
    expect(['w发展', 'w_猫', 'w_hat'].map(wordOfTerm)).toEqual(['发展', '猫', 'hat']);
  });

  it('drops terms longer than the FULLTEXT maximum token size', () => {
    expect(tokenizer.terms(`${'x'.repeat(84)} ok`)).toEqual(['wok']);
  });

  it('repeats the title terms before the text terms of an article', () => {
    const terms = tokenizer.documentTerms('发展 Python', '<p>正文 <b>content</b></p>');
    const title = ['w发展', 'wpython'];
    expect(terms).toEqual([
      ...Array.from({ length: TITLE_BOOST }, () => title).flat(),
      'w正文',
      'wcontent',
    ]);
  });

  it('indexes the letter and digit runs of a word mixing them, where a query keeps the word whole', () => {
    expect(tokenizer.documentTerms('Vue3 入门', '<p>iPhone12 与 es6</p>')).toEqual([
      ...Array.from({ length: TITLE_BOOST }, () => ['wvue3', 'wvue', 'w_3', 'w入门']).flat(),
      'wiphone12',
      'wiphone',
      'w12',
      'wes6',
      'wes',
      'w_6',
    ]);
    expect(tokenizer.terms('Vue3 iPhone12')).toEqual(['wvue3', 'wiphone12']);
    expect(tokenizer.documentTerms('vue 2026 猫3', '')).toEqual(
      Array.from({ length: TITLE_BOOST }, () => ['wvue', 'w2026', 'w_猫', 'w_3']).flat(),
    );
  });

  it('indexes the readable text of the HTML, not its tags, attributes or scripts', () => {
    const terms = tokenizer.documentTerms(
      '',
      '<p class="intro" data-x="secret">可见</p><script>hidden()</script><style>.a{}</style>',
    );
    expect(terms).toEqual(['w可见']);
  });
});

describe('htmlToText', () => {
  it('turns tags into spaces and decodes entities', () => {
    expect(htmlToText('<p>a&amp;b</p><p>&lt;tag&gt;&nbsp;&#20013;&#x6587;</p>')).toBe(
      ' a&b  <tag> 中文 ',
    );
  });

  it('leaves unknown entities as they are', () => {
    expect(htmlToText('&unknown; &copy;')).toBe('&unknown; &copy;');
  });
});

describe('normalizeKeyword', () => {
  it('trims, collapses inner whitespace and folds full-width characters', () => {
    expect(normalizeKeyword('  ＡＩ   发展\t趋势 ')).toBe('AI 发展 趋势');
  });
});
