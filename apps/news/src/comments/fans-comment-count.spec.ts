import { countsAsFanComment } from './fans-comment-count';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';

describe('countsAsFanComment', () => {
  it('counts a comment of a reader who follows the author', () => {
    expect(countsAsFanComment(READER, AUTHOR, true)).toBe(true);
  });

  it('does not count a reader who does not follow the author', () => {
    expect(countsAsFanComment(READER, AUTHOR, false)).toBe(false);
  });

  it('never counts the author on their own article, whatever the request says', () => {
    expect(countsAsFanComment(AUTHOR, AUTHOR, true)).toBe(false);
    expect(countsAsFanComment(AUTHOR, AUTHOR, undefined)).toBe(false);
  });

  it('leaves a reader unknown when the request could not say', () => {
    expect(countsAsFanComment(READER, AUTHOR, undefined)).toBeNull();
  });
});
