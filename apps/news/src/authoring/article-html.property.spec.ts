import sanitizeHtml from 'sanitize-html';

import { ARTICLE_HTML_OPTIONS, sanitizeArticleHtml } from './article-html.rules';
import { htmlLike, random } from './article-html.stub';

/** Control characters, raw and as character references, as a paste or a hostile author sends them. */
const CONTROLS = [...'\u0000\u0007\u000b\f\u001b\u007f\u0085\u009f\r\t'];
const CONTROL_REFERENCES = '&#0; &#7; &#11; &#x0c; &#x1b; &#127; &#133; &#x9f; &#13;'.split(' ');
const STRAY_CONTROL = /[^\P{Cc}\t\n\r]/u;

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

  it('answers no control character but tab and line breaks, raw or as references, for 20 000 more strings holding them, and changes nothing applied to its answer', () => {
    const next = random(20261207);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const failures: string[] = [];
    for (let i = 0; i < 20_000 && failures.length < 5; i += 1) {
      let html = htmlLike(next);
      for (let inserted = 0; inserted < 4; inserted += 1) {
        const at = Math.floor(next() * (html.length + 1));
        html =
          html.slice(0, at) + pick(next() < 0.5 ? CONTROLS : CONTROL_REFERENCES) + html.slice(at);
      }
      const stored = sanitizeArticleHtml(html);
      if (STRAY_CONTROL.test(stored) || sanitizeArticleHtml(stored) !== stored)
        failures.push(JSON.stringify(html));
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
