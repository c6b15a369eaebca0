import sanitizeHtml from 'sanitize-html';

import { sanitizeArticleHtml } from './article-html.rules';
import { editorArticleHtml } from './article-html.stub';

jest.mock('sanitize-html', () => {
  const actual = jest.requireActual<typeof import('sanitize-html')>('sanitize-html');
  return Object.assign(jest.fn(actual), actual);
});

const passes = sanitizeHtml as unknown as jest.Mock;

describe('sanitizeArticleHtml passes', () => {
  beforeEach(() => passes.mockClear());

  it("parses the editor's HTML once: it keeps every tag", () => {
    const { sent, stored } = editorArticleHtml('http://img.test/Fh3k9');
    expect(sanitizeArticleHtml(sent)).toBe(stored);
    expect(passes).toHaveBeenCalledTimes(1);
  });

  it('parses its own output again when it dropped a tag', () => {
    expect(sanitizeArticleHtml('<p>a<select><p>b')).toBe('<p>a</p><p>b</p><p></p>');
    expect(passes).toHaveBeenCalledTimes(2);
  });
});
