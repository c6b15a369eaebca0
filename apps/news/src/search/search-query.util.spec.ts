import { buildBooleanQuery, likePrefixPattern } from './search-query.util';
import { SearchTokenizer } from './search-tokenizer';

describe('buildBooleanQuery', () => {
  const tokenizer = new SearchTokenizer();
  const queryFor = (q: string) => buildBooleanQuery(tokenizer.terms(q));

  it('requires every word of the query', () => {
    expect(queryFor('Python 发展')).toBe('+wpython +w发展');
  });

  it('makes a Chinese compound optional when its parts are required', () => {
    expect(queryFor('人工智能')).toBe('+w人工 +w智能 w人工智能');
  });

  it('keeps a latin word required even when it contains another query word', () => {
    expect(buildBooleanQuery(['wwa', 'wwater'])).toBe('+wwa +wwater');
  });

  it('lists each term once', () => {
    expect(queryFor('go GO go')).toBe('+wgo');
  });

  it('requires a single character when the query has nothing longer', () => {
    expect(queryFor('猫')).toBe('+w_猫');
    expect(queryFor('C')).toBe('+w_c');
    expect(queryFor('猫粮')).toBe('+w_猫 +w_粮');
  });

  it('writes a character beyond the BMP as its code point, which the FULLTEXT parser keeps', () => {
    expect(queryFor('𠮷')).toBe('+w__20bb7_');
    expect(queryFor('𠮷野家')).toBe('w__20bb7_ +w野家');
  });

  it('only ranks by a single character beside a longer word, which alone decides the hits', () => {
    expect(queryFor('R 语言')).toBe('w_r +w语言');
    expect(queryFor('猫 猫咪')).toBe('w_猫 +w猫咪');
  });

  it('requires a word that `w` would have made a stopword, in its longer form', () => {
    expect(queryFor('hat rust')).toBe('+w_hat +wrust');
  });

  it('takes a word of letters and digits whole or as all its runs, as an article written either way is indexed', () => {
    expect(queryFor('iphone15')).toBe('+(wiphone15 (+wiphone +w15))');
    expect(queryFor('GPT4 模型')).toBe('+(wgpt4 (+wgpt +w_4)) +w模型');
    expect(queryFor('k8s')).toBe('+(wk8s (+w_k +w_8 +w_s))');
  });

  it('keeps a word of letters and digits whole when one of its runs is a stopword', () => {
    expect(queryFor('it2')).toBe('+wit2');
  });

  it('has no query when nothing searchable is left (stopwords, punctuation, spaces)', () => {
    expect(queryFor('的 the a + - * ()')).toBeUndefined();
    expect(queryFor('   ')).toBeUndefined();
    expect(buildBooleanQuery([])).toBeUndefined();
  });

  it('strips operator characters even from terms it did not tokenize itself', () => {
    expect(buildBooleanQuery(['w"ab*', '-wbc)', 'w(cd~', 'w_@e'])).toBe('+wab +wbc +wcd w_e');
  });
});

describe('likePrefixPattern', () => {
  it('matches the prefix literally, wildcards included', () => {
    expect(likePrefixPattern('50%_off\\')).toBe('50\\%\\_off\\\\%');
    expect(likePrefixPattern('发展')).toBe('发展%');
  });
});
