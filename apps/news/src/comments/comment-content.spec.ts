import { isBlankContent } from './comment-content';

describe('isBlankContent', () => {
  it.each([
    '',
    '   ',
    '\t\n',
    '\u3000',
    '\u00a0',
    '\ufeff',
    '\u200b',
    ' \u200d\u2060\u200c ',
    '\u3164\u2800',
    '\u202e\u00ad',
  ])('takes %j as empty', (content) => expect(isBlankContent(content)).toBe(true));

  it.each([
    ...['x', ' x ', '\u200bx', '❤️', '👨‍👩‍👧', '。', '\u2800a', '?', '∑', '🇨🇳', '1️⃣', '👍🏽'],
    ...['好', 'ที่', 'क्षि', 'می\u200cخواهم', '\u200fمرحبا\u200f', '\u202bשלום\u202c'],
  ])('takes %j as content', (content) => expect(isBlankContent(content)).toBe(false));

  // Format characters all but these show nothing: a sign written over the digits after it (the
  // Arabic number sign, the end of ayah, the Syriac abbreviation mark, the Kaithi number sign)
  // shows on its own too.
  it.each(['\u0600', '\u06dd', ' \u06dd ', '\u070f', '\u0890', '\u08e2', '\u{110bd}', '\u{110cd}'])(
    'takes the sign %j as content',
    (content) => expect(isBlankContent(content)).toBe(false),
  );

  // Those that are no default-ignorable ones show nothing either: the interlinear annotation
  // marks, the Egyptian hieroglyph format controls.
  it.each(['\ufff9\ufffa\ufffb', '\u{13430}\u{1343f}'])('takes %j as empty', (content) =>
    expect(isBlankContent(content)).toBe(true),
  );
});
