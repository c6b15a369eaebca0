import { STRAY_CONTROL } from '@app/grpc';

import { htmlToText } from '../search/search-text.util';
import { storageImagesIn } from './article-cover.rules';
import { STRAY_CONTROLS, sanitizeArticleHtml } from './article-html.rules';
import { editorArticleHtml } from './article-html.stub';

const STORAGE = 'http://img.test/';
const IMG = `${STORAGE}Fh3k9`;
const { sent: EDITOR_HTML, stored: EDITOR_HTML_STORED } = editorArticleHtml(IMG);

describe('sanitizeArticleHtml', () => {
  it('keeps what the editor writes, changing only how it is serialised, and keeps the result as it is', () => {
    expect(sanitizeArticleHtml(EDITOR_HTML)).toBe(EDITOR_HTML_STORED);
    expect(sanitizeArticleHtml(EDITOR_HTML_STORED)).toBe(EDITOR_HTML_STORED);
  });

  it('leaves the images an automatic cover takes and the text the search index reads', () => {
    expect(storageImagesIn(EDITOR_HTML_STORED, STORAGE)).toEqual(
      storageImagesIn(EDITOR_HTML, STORAGE),
    );
    expect(storageImagesIn(EDITOR_HTML_STORED, STORAGE)).toEqual([IMG]);
    const words = (html: string) => htmlToText(html).split(/\s+/).filter(Boolean);
    expect(words(EDITOR_HTML_STORED)).toEqual(words(EDITOR_HTML));
  });

  it('keeps plain paragraphs and text byte for byte', () => {
    const html = '<p>这是关于 Vue3 的文章。</p><p>Toutiao &amp; friends</p>';
    expect(sanitizeArticleHtml(html)).toBe(html);
    expect(sanitizeArticleHtml('just text')).toBe('just text');
  });

  it.each([
    ['a script tag, with its text', '<p>hi<script>alert(1)</script></p>', '<p>hi</p>'],
    ['a script tag in capitals', '<SCRIPT SRC=//evil.test/x.js></SCRIPT><p>hi</p>', '<p>hi</p>'],
    ['onerror on an image', `<img src="${IMG}" onerror="alert(1)">`, `<img src="${IMG}" />`],
    ['an image that only errors', '<img src=x onerror=alert(1)>', ''],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['an entity-encoded javascript: link', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    [
      'a hex-encoded javascript: link',
      '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
      '<a>x</a>',
    ],
    ['a javascript: link split by a tab', '<a href="java\tscript:alert(1)">x</a>', '<a>x</a>'],
    [
      'a javascript: link in mixed case and spaces',
      '<a href="  JaVaScRiPt:alert(1)">x</a>',
      '<a>x</a>',
    ],
    ['a data: link', '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
    ['a data: image', '<img src="data:image/svg+xml;base64,PHN2Zz4=">', ''],
    ['a protocol-relative image', '<img src="//evil.test/x.png">', ''],
    ['an iframe', '<iframe src="https://evil.test"></iframe><p>ok</p>', '<p>ok</p>'],
    ['a srcdoc iframe', '<iframe srcdoc="<script>alert(1)</script>"></iframe>', ''],
    ['a style tag', '<style>body{display:none}</style><p>x</p>', '<p>x</p>'],
    ['an svg with onload', '<svg onload="alert(1)"><circle r="1"/></svg><p>x</p>', '<p>x</p>'],
    ['object and embed', '<object data="x.swf"></object><embed src="x.swf"><p>x</p>', '<p>x</p>'],
    [
      'a form control',
      '<form action="https://evil.test"><input name="t"><button>go</button></form>',
      'go',
    ],
    [
      'event handlers on kept tags',
      '<p onclick="alert(1)" onmouseover="alert(2)">x</p>',
      '<p>x</p>',
    ],
    [
      'a div with a handler and a foreign class',
      '<div onclick="x" class="van-popup">d</div>',
      '<div>d</div>',
    ],
    [
      'a style that loads a URL',
      '<p style="background:url(javascript:alert(1))">c</p>',
      '<p>c</p>',
    ],
    [
      'a style that covers the page',
      '<span style="position:fixed;top:0;color:red">c</span>',
      '<span style="color:red">c</span>',
    ],
    [
      'a meta refresh',
      '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>x</p>',
      '<p>x</p>',
    ],
    ['a base tag', '<base href="https://evil.test/"><p>x</p>', '<p>x</p>'],
    ['a comment hiding markup', '<!--<img src=x onerror=alert(1)>--><p>x</p>', '<p>x</p>'],
    [
      'a rel the author chose',
      '<a href="https://a.test" rel="opener">x</a>',
      '<a href="https://a.test">x</a>',
    ],
    [
      'a target other than a new tab',
      '<a href="https://a.test" target="_top">x</a>',
      '<a href="https://a.test">x</a>',
    ],
  ])('drops %s', (_name, html, stored) => {
    expect(sanitizeArticleHtml(html)).toBe(stored);
  });

  it("drops the address of a #… or relative link: no id is kept for it to reach, and toutiao-m's hash router reads #x as its own route", () => {
    expect(sanitizeArticleHtml('<p><a href="#part-2">下文</a></p><h2 id="part-2">二</h2>')).toBe(
      '<p><a>下文</a></p><h2>二</h2>',
    );
    for (const href of [
      '#',
      '#/user/chat',
      ' #top',
      '/app/v1_0/articles/1',
      'articles/1',
      '../x',
      '?page=2',
      '//evil.test/x',
    ])
      expect(sanitizeArticleHtml(`<a href="${href}">x</a>`)).toBe('<a>x</a>');
  });

  it('drops control characters but tab and line breaks, raw or as references, and spaces vertical tabs and form feeds', () => {
    expect(sanitizeArticleHtml('<p>a\u0000b\u001bc\u000bd\fe\u0085f\t\r\ng</p>')).toBe(
      '<p>abc d ef\t\r\ng</p>',
    );
    expect(
      sanitizeArticleHtml('<p>a&#7;b&#x1b;c</p><img src="https://img.test/x.png" alt="x&#27;y">'),
    ).toBe('<p>abc</p><img src="https://img.test/x.png" alt="xy" />');
  });

  it('keeps text that looks like markup as text', () => {
    expect(sanitizeArticleHtml('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  it('changes nothing applied to what it answered, however malformed what it was sent', () => {
    // An unclosed <select> keeps the parser from closing a paragraph at the next one: dropped, it
    // left paragraphs nested, which the next pass (and a browser) reads as siblings.
    const malformed = [
      '<p>a<select><p>b',
      '<p>\'<select><img src="https://img.test/x.png" alt="a"><p><b></h1><tr> </a><style>',
      '</figure></title></ul><p></table>\'<col span="2"><select></td><p>',
    ];
    for (const html of malformed) {
      const stored = sanitizeArticleHtml(html);
      expect(sanitizeArticleHtml(stored)).toBe(stored);
    }
    expect(sanitizeArticleHtml(malformed[0])).toBe('<p>a</p><p>b</p><p></p>');
  });
});

describe('STRAY_CONTROLS', () => {
  it("is the edges' STRAY_CONTROL, global", () => {
    expect(STRAY_CONTROLS.source).toBe(STRAY_CONTROL.source);
    expect([...STRAY_CONTROLS.flags].sort()).toEqual([...`${STRAY_CONTROL.flags}g`].sort());
  });
});
