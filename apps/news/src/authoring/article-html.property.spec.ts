import sanitizeHtml from 'sanitize-html';

import { ARTICLE_HTML_OPTIONS, sanitizeArticleHtml } from './article-html.rules';
import { htmlLike, random } from './article-html.stub';

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
