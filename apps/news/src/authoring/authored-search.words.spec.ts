import { authoredSearchWords } from './authored-search.words';

describe('authoredSearchWords', () => {
  it('parts a query at white space, each word once', () => {
    expect(authoredSearchWords(' rust  go\trust ')).toEqual(['rust', 'go']);
    expect(authoredSearchWords('100% C:\\temp')).toEqual(['100%', 'C:\\temp']);
  });

  it('cuts a run of Chinese characters into its words, beside the other characters of the word', () => {
    expect(authoredSearchWords('入门机器学习')).toEqual(['入门', '机器', '学习']);
    expect(authoredSearchWords('C++编程 学习')).toEqual(['C++', '编程', '学习']);
    expect(authoredSearchWords('Vue3入门', (text) => [text])).toEqual(['Vue3', '入门']);
  });

  it('has no word for white space alone', () => {
    expect(authoredSearchWords(' \t ')).toEqual([]);
  });
});
