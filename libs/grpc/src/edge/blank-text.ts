/**
 * A character that shows: any but white space, format characters (zero-width spaces and joiners,
 * bidi marks, the byte order mark), the other default-ignorable ones (Hangul fillers, variation
 * selectors) and the blank braille pattern. The format characters that are signs written over the
 * digits after them (the Arabic number sign ؀, the end of ayah ۝, the Syriac abbreviation mark,
 * the Kaithi number sign) show on their own too.
 */
const SHOWS =
  /[^\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]|[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]/u;

/** True for text of which no character shows: empty, however it was typed. */
export function isBlankText(text: string): boolean {
  return !SHOWS.test(text);
}
