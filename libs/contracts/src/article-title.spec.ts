import { isArticleTitleLength } from './article-title';

describe('isArticleTitleLength', () => {
  it.each([
    ['five code points, two of them variation selectors', '❤️❤️!', true],
    ['five characters once trimmed', '  abcde  ', true],
    ['four characters once trimmed', '  abcd  ', false],
    ['thirty characters', 'a'.repeat(30), true],
    ['thirty-one characters', 'a'.repeat(31), false],
    ['thirty astral characters (sixty UTF-16 units)', '😀'.repeat(30), true],
  ])('%s: %s', (_case, title, valid) => {
    expect(isArticleTitleLength(title)).toBe(valid);
  });
});
