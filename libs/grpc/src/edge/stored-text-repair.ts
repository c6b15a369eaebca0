import { STRAY_CONTROL } from './text-validators';

// The control characters the edges refuse now (`IsWholeText`, `IsTextLine`), for texts stored
// before they did. Those that separate words (vertical tab, form feed, NEL; in a one-line text
// also tab and line breaks) become a space, as article HTML's vertical tab and form feed do (its
// NEL goes), the others go.
const STRAY_CONTROLS = new RegExp(STRAY_CONTROL.source, `${STRAY_CONTROL.flags}g`);
const SPACING_CONTROLS = /[\v\f\u0085]/g;
const WORDLESS_CONTROLS = /[^\P{Cc}\t\n\r\v\f\u0085]/gu;
// The line and paragraph separators, which clients show as a line break, are spaced as one.
const LINE_SPACING_CONTROLS = /\r\n|[\t\n\r\v\f\u0085\u2028\u2029]/g;
const LINE_SPACING_CONTROLS_AROUND =
  /^[\t\n\r\v\f\u0085\u2028\u2029]+|[\t\n\r\v\f\u0085\u2028\u2029]+$/g;

/** A text `IsWholeText` takes: control characters but tab and line breaks dropped or spaced. */
export function withoutStrayControls(text: string): string {
  return text.replace(SPACING_CONTROLS, ' ').replace(STRAY_CONTROLS, '');
}

/**
 * A one-line text (`IsTextLine`, the user service's names and intro): no control character at
 * all, those that separate words and the line and paragraph separators (U+2028, U+2029) a space
 * between words (a CRLF one) and nothing at either end.
 */
export function asOneLine(text: string): string {
  return text
    .replace(WORDLESS_CONTROLS, '')
    .replace(LINE_SPACING_CONTROLS_AROUND, '')
    .replace(LINE_SPACING_CONTROLS, ' ');
}
