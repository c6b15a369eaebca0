import { HIDDEN_CHARACTER, isBlankText } from './blank-text';

// The signs written over the digits after them: format characters that show on their own.
const SIGNS = [
  '\u0600',
  '\u0605',
  '\u06dd',
  '\u070f',
  '\u0890',
  '\u0891',
  '\u08e2',
  '\u{110bd}',
  '\u{110cd}',
];
// Default-ignorable characters that are no format characters: Khmer inherent vowels, Mongolian
// free variation selectors, a reserved one.
const IGNORABLE = [
  '\u17b4',
  '\u17b5',
  '\u180b',
  '\u180c',
  '\u180d',
  '\u180f',
  '\u2065',
  '\u{e0080}',
];

describe('HIDDEN_CHARACTER', () => {
  it.each([
    '\u200b',
    '\u200d',
    '\u00ad',
    '\u202e',
    '\ufeff',
    '\u3164',
    '\ufe0f',
    '\u{e0041}',
    ...IGNORABLE,
  ])('finds %j', (character) => expect(HIDDEN_CHARACTER.test(`a${character}b`)).toBe(true));

  it.each([...SIGNS, 'a', ' ', '\u2800', '好'])(
    'passes over %j, which shows or is white space',
    (character) => expect(HIDDEN_CHARACTER.test(character)).toBe(false),
  );
});

describe('isBlankText', () => {
  it.each(IGNORABLE)('takes %j as empty', (character) =>
    expect(isBlankText(` ${character}\u2800`)).toBe(true),
  );

  it.each(SIGNS)('takes the sign %j as content', (sign) =>
    expect(isBlankText(` ${sign} `)).toBe(false),
  );
});

describe('isBlankText of long text', () => {
  // The byte order mark is white space and a format character both: a chat message's 500 of them
  // and a letter is content, and the letter alone is what tells it from an empty one.
  it('tells a run of byte order marks ending in a letter from the run alone', () => {
    const marks = '\ufeff'.repeat(499);
    expect([isBlankText(`${marks}a`), isBlankText(marks), isBlankText(`${marks} \u200b`)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
