import { SearchTokenizer, TERM_PREFIX, TITLE_BOOST } from './search-tokenizer';
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
    expect(terms.every((term) => /^[\p{L}\p{N}]+$/u.test(term))).toBe(true);
    expect(terms).toEqual(
      expect.arrayContaining(['wgo', 'wjava', 'wrust', 'wts', 'wphp', 'wlua', 'wsql', 'wdist']),
    );
  });

  it('drops single characters, stopwords and terms that would equal an InnoDB stopword', () => {
    // `w` + `ith` = `with` and `w` + `here` = `where` are InnoDB stopwords: such a required term matches nothing.
    expect(tokenizer.terms('the a of 的 了 ith here 我们 Go')).toEqual(['wgo']);
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
