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

  it('has no query when nothing searchable is left (stopwords, single characters, punctuation)', () => {
    expect(queryFor('的 the + - * ()')).toBeUndefined();
    expect(buildBooleanQuery([])).toBeUndefined();
  });

  it('strips operator characters even from terms it did not tokenize itself', () => {
    expect(buildBooleanQuery(['w"a*', '-wb)', 'w(c~'])).toBe('+wa +wb +wc');
  });
});

describe('likePrefixPattern', () => {
  it('matches the prefix literally, wildcards included', () => {
    expect(likePrefixPattern('50%_off\\')).toBe('50\\%\\_off\\\\%');
    expect(likePrefixPattern('发展')).toBe('发展%');
  });
});
