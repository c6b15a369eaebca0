const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function decodeEntity(entity: string, body: string): string {
  if (body.startsWith('#')) {
    const hex = body[1] === 'x' || body[1] === 'X';
    const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff
      ? String.fromCodePoint(code)
      : ' ';
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
}

/** The readable text of article HTML: scripts and styles dropped, tags become spaces, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => decodeEntity(entity, body));
}

/** A keyword as it is stored and compared: NFKC, trimmed, inner whitespace collapsed. */
export function normalizeKeyword(keyword: string): string {
  return keyword.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/** Length in characters (code points), as MariaDB and the reference's `^.{1,50}$` count. */
export function characterLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/** The character without which no tag can begin (see `opensMarkup`). */
export const MARKUP_OPENER = '<';

/**
 * Whether text could open a tag where a client inserts it as HTML (toutiao-m renders each
 * suggestion with `v-html`): without `<` no element, and so no attribute, can begin.
 */
export function opensMarkup(text: string): boolean {
  return text.includes(MARKUP_OPENER);
}

/** A control character but tab, which a searched keyword may not hold (`IsSearchKeyword`). */
const REFUSED_KEYWORD_CONTROL = /[^\P{Cc}\t]/u;

/**
 * Whether a keyword holds a control character the search refuses now: one saved before it did is
 * no suggestion.
 */
export function holdsRefusedControl(keyword: string): boolean {
  return REFUSED_KEYWORD_CONTROL.test(keyword);
}
