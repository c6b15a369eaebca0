import sanitizeHtml from 'sanitize-html';

import { ARTICLE_HTML_OPTIONS, sanitizeArticleHtml } from './article-html.rules';

/** A small, seeded generator (mulberry32): the same strings on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAGS = [
  ...'p div span b i a img h1 h2 li ul ol table tr td th tbody caption pre code blockquote br hr'.split(
    ' ',
  ),
  ...'select option optgroup textarea script style form input button svg math iframe title'.split(
    ' ',
  ),
  ...'noscript template xmp html body head frameset object embed label dl dt dd font center'.split(
    ' ',
  ),
];
const ATTRIBUTES = [
  '',
  ' href="https://a.test/x"',
  ' href="#x"',
  ' href="javascript:alert(1)"',
  ' src="https://img.test/y.png"',
  ' src=x',
  ' style="color:red;position:fixed"',
  ' class="todo-item"',
  ' onclick="x()"',
  ' target=_blank',
  " alt='a\"b'",
];
const PIECES = [
  'a',
  'b c',
  '文字',
  ' ',
  '\n',
  '<',
  '>',
  '</',
  '&amp;',
  '&lt;',
  '&',
  '"',
  "'",
  '<!--',
  '-->',
  '<![CDATA[x]]>',
  '<?x?>',
  '<!doctype html>',
  '/>',
];

function htmlLike(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  let html = '';
  const length = 1 + Math.floor(next() * 16);
  for (let i = 0; i < length; i += 1) {
    const roll = next();
    if (roll < 0.4) html += `<${pick(TAGS)}${pick(ATTRIBUTES)}${next() < 0.1 ? '/' : ''}>`;
    else if (roll < 0.65) html += `</${pick(TAGS)}>`;
    else html += pick(PIECES);
  }
  return html;
}

describe('sanitizeArticleHtml over 60 000 generated strings', () => {
  it('answers what sanitising twice answers, and changes nothing applied to its answer', () => {
    const next = random(20261206);
    const failures: string[] = [];
    for (let i = 0; i < 60_000 && failures.length < 5; i += 1) {
      const html = htmlLike(next);
      const stored = sanitizeArticleHtml(html);
      const twice = sanitizeHtml(sanitizeHtml(html, ARTICLE_HTML_OPTIONS), ARTICLE_HTML_OPTIONS);
      if (stored !== twice || sanitizeArticleHtml(stored) !== stored) failures.push(html);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
