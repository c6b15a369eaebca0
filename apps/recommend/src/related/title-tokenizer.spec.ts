import { withoutStrayControls } from '@app/grpc';

import { TitleTokenizer } from './title-tokenizer';

describe('TitleTokenizer', () => {
  const tokenizer = new TitleTokenizer();

  it('cuts lower-cased words of two characters or more, without stopwords', () => {
    expect(tokenizer.tokens('Python 并发编程 and Go')).toEqual(['python', '并发', '编程', 'go']);
  });

  it('cuts a title stored with control characters as the repaired title, and no token holds one', () => {
    const stored = ['Py\u0000thon 并\u0007发编程', 'Python\u000b并发\u0085编程\u001b'];
    for (const title of stored) {
      const tokens = tokenizer.tokens(title);
      expect(tokens).toEqual(['python', '并发', '编程']);
      expect(tokens.join('')).not.toMatch(/\p{Cc}/u);
    }
  });

  it('cuts a title the news migration repaired into the words it cut from it stored, so a run of it again changes none', () => {
    const stored = [
      'Py\u0000thon 并\u0007发编程',
      'Python\u000b并发\u0085编程\u001b',
      '\u000cRust\u000c\u000c异步\u0000\u0000运行时\u007f',
      'Go\t语言\r\n并发 模型',
    ];
    for (const title of stored)
      expect(tokenizer.tokens(withoutStrayControls(title))).toEqual(tokenizer.tokens(title));
  });
});
