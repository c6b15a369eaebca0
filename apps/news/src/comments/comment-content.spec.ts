import { isBlankContent } from './comment-content';

describe('isBlankContent', () => {
  it.each(['', '   ', '\t\n', '\u3000', '\u00a0', '\ufeff', '\u200b', ' \u200d\u2060\u200c ', '\u3164\u2800', '\u202e\u00ad'])(
    'takes %j as empty',
    (content) => expect(isBlankContent(content)).toBe(true),
  );

  it.each(['x', ' x ', '\u200bx', '❤️', '👨‍👩‍👧', '。', '\u2800a'])('takes %j as content', (content) =>
    expect(isBlankContent(content)).toBe(false),
  );
});
