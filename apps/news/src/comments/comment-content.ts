/**
 * What shows nothing in a comment: white space, format characters (zero-width spaces and joiners,
 * bidi marks, the byte order mark), the other default-ignorable ones (Hangul fillers, variation
 * selectors) and the blank braille pattern.
 */
const SHOWS_NOTHING = /[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** True for content of which no character shows: an empty comment, however it was typed. */
export function isBlankContent(content: string): boolean {
  return content.replace(SHOWS_NOTHING, '') === '';
}
