import { rankRelated } from './related.util';
import { TitleTokenizer } from './title-tokenizer';

describe('related articles', () => {
  const candidates = [
    { id: '1', createdMs: 50, tokens: ['python', '教程'] },
    { id: '2', createdMs: 40, tokens: ['python', '并发', '教程'] },
    { id: '3', createdMs: 90, tokens: ['java'] },
    { id: '4', createdMs: 80, tokens: ['python'] },
  ];

  it('ranks by shared title words, then recency, leaving the article itself out', () => {
    expect(rankRelated('1', ['python', '教程'], candidates, 10)).toEqual(['2', '4', '3']);
  });

  it('falls back to the newest articles and honours the count', () => {
    expect(rankRelated('9', ['rust'], candidates, 2)).toEqual(['3', '4']);
  });

  it('cuts titles into distinct lower-cased words of two or more characters', () => {
    const tokens = new TitleTokenizer().tokens('Python 并发编程的教程 Python!');
    expect(tokens).toContain('python');
    expect(tokens).toContain('教程');
    expect(tokens.filter((token) => token === 'python')).toHaveLength(1);
    expect(tokens.every((token) => [...token].length >= 2)).toBe(true);
  });
});
