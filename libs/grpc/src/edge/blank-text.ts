/**
 * A character that shows nothing of its own: a format character (zero-width spaces and joiners,
 * bidi marks, the byte order mark, tags) or another default-ignorable one (Hangul fillers,
 * variation selectors, Mongolian and Khmer ones). The format characters that are signs written over
 * the digits after them (the Arabic number sign ؀, the end of ayah ۝, the Syriac abbreviation mark,
 * the Kaithi number sign) show on their own, so they are none.
 */
const HIDDEN = String.raw`(?![\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}])[\p{Cf}\p{Default_Ignorable_Code_Point}]`;

/** Matches text holding a character that shows nothing of its own (see `HIDDEN`). */
export const HIDDEN_CHARACTER = new RegExp(HIDDEN, 'u');

/**
 * A character that shows: none of white space, the blank braille pattern or hidden characters.
 * Searched for, not the whole text matched as blank: such a pattern reads the byte order mark
 * (white space and a format character both) two ways, and retries both for each one before a
 * letter, hours for 40 of them.
 */
const SHOWS = new RegExp(String.raw`(?!${HIDDEN})[^\s\u2800]`, 'u');

/** True for text of which no character shows: empty, however it was typed. */
export function isBlankText(text: string): boolean {
  return !SHOWS.test(text);
}
