import sanitizeHtml from 'sanitize-html';

/**
 * A link may lead to a web page or an e-mail address; anything else (javascript:, data:, a
 * relative path, a `#…`) goes. A relative path resolves against whichever app shows the article
 * (the reader's or the publish admin), and a `#…` reaches no place in the article, whose ids are
 * not kept: toutiao-m's hash router reads `#x` as its route `/x`, a blank page.
 */
const LINK_URL = /^(?:https?:\/\/|mailto:)/i;
/** An image loads over the web only: no data: or blob: images, no relative paths. */
const IMAGE_URL = /^https?:\/\//i;

const COLOR = [/^#[0-9a-f]{3,8}$/i, /^rgba?\(\s*[\d.%\s,/]+\)$/i, /^[a-z]{3,20}$/i];
const ALIGN = [/^(?:left|right|center|justify)$/i];
const LINE_HEIGHT = [/^\d{1,3}(?:\.\d{1,3})?%?$/];
const BLOCK_STYLES = { 'text-align': ALIGN, 'line-height': LINE_HEIGHT };

/** Text blocks as the publish admin's editor (element-tiptap) writes them: alignment, indent, line height. */
const BLOCK_ATTRIBUTES = ['style', 'data-indent', 'data-text-align'];

const ALLOWED_TAGS = [
  ...'h1 h2 h3 h4 h5 h6 p br hr blockquote pre code ul ol li'.split(' '),
  ...'strong b em i u s strike del ins sub sup a img figure figcaption span div'.split(' '),
  ...'table caption colgroup col thead tbody tfoot tr th td'.split(' '),
];
const ALLOWED = new Set(ALLOWED_TAGS);
/** Tags whose text is no article text (or is markup itself): it goes with the tag. */
const DROPPED_WITH_TEXT = [
  ...'script style textarea option noscript iframe object embed svg math'.split(' '),
  ...'template noembed noframes xmp title head'.split(' '),
];

export const ARTICLE_HTML_OPTIONS: Readonly<sanitizeHtml.IOptions> = {
  allowedTags: ALLOWED_TAGS,
  nonTextTags: DROPPED_WITH_TEXT,
  allowedAttributes: {
    a: [
      'href',
      'title',
      { name: 'target', multiple: false, values: ['_blank'] },
      { name: 'rel', multiple: false, values: ['noopener noreferrer'] },
    ],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-display'],
    p: BLOCK_ATTRIBUTES,
    h1: BLOCK_ATTRIBUTES,
    h2: BLOCK_ATTRIBUTES,
    h3: BLOCK_ATTRIBUTES,
    h4: BLOCK_ATTRIBUTES,
    h5: BLOCK_ATTRIBUTES,
    h6: BLOCK_ATTRIBUTES,
    ul: ['data-type'],
    ol: ['start', 'data-type'],
    li: ['style', 'class', 'data-type', 'data-done'],
    span: ['style', 'class'],
    div: ['class'],
    code: ['class'],
    pre: ['class'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    col: ['span'],
    colgroup: ['span'],
  },
  // The editor's to-do list and code blocks; no other class of the reader's page can be borrowed.
  allowedClasses: {
    li: ['todo-item', 'todo-item--done'],
    span: ['el-checkbox', 'el-checkbox__input', 'el-checkbox__inner', 'is-checked'],
    div: ['todo-content'],
    code: ['language-*', 'lang-*', 'hljs*'],
    pre: ['language-*', 'lang-*', 'hljs*'],
  },
  allowedStyles: {
    '*': BLOCK_STYLES,
    span: { color: COLOR, 'background-color': COLOR, 'pointer-events': [/^none$/] },
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => {
      const { href, target, rel: _rel, ...rest } = attribs;
      const kept: sanitizeHtml.Attributes = { ...rest };
      if (href !== undefined && LINK_URL.test(href.trim())) kept.href = href;
      // A page opened in a new tab gets no handle on the reader's page; no other target is kept.
      if (target?.trim().toLowerCase() === '_blank')
        Object.assign(kept, { target: '_blank', rel: 'noopener noreferrer' });
      return { tagName, attribs: kept };
    },
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return {
        tagName,
        attribs: src !== undefined && IMAGE_URL.test(src.trim()) ? { src, ...rest } : rest,
      };
    },
  },
  // An image with nothing to load is no image.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

// Control characters but tab and line breaks are no text, and one pasted into the editor (a line
// break out of a word processor, NUL, ESC) would be stored and shown as sent: vertical tab and
// form feed, which separate words, become spaces, the others go. The edges' `STRAY_CONTROL`
// (@app/grpc), written out here since the sanitising worker thread does not load @app/grpc; the
// spec holds the two alike.
export const STRAY_CONTROLS = /[^\P{Cc}\t\n\r]/gu;
const SPACING_CONTROLS = /[\v\f]/g;

function withoutStrayControls(html: string): string {
  return html.replace(SPACING_CONTROLS, ' ').replace(STRAY_CONTROLS, '');
}

/**
 * Article HTML as it may be stored and shown: the mobile app puts it into the reader's page as it
 * is (`v-html`), so nothing that runs script survives. Kept is what a rich-text editor writes and
 * a reader needs (headings, paragraphs, lists, quotes, code, emphasis, links, web images, tables,
 * colours and alignment); dropped are every other tag (the text of most stays), event handlers,
 * any style but those few properties, URLs but http(s) (and mailto: for links), and control
 * characters but tab and line breaks.
 * Applying it again changes nothing.
 */
export function sanitizeArticleHtml(html: string): string {
  let droppedTag = false;
  const once = sanitizeHtml(withoutStrayControls(html), {
    ...ARTICLE_HTML_OPTIONS,
    onOpenTag: (tag) => {
      droppedTag ||= !ALLOWED.has(tag);
    },
  });
  // A dropped tag can leave what the parser read inside it nested otherwise than a browser, and a
  // second pass, read it (an unclosed <select> keeps a paragraph from closing at the next): once
  // more over its own output then. With every tag kept the output is the tree as parsed, which
  // parses back the same, so the editor's HTML (1 MiB: about 0.45 s a pass) is parsed once.
  // Character references decode to control characters too (`&#7;`): they go from what is kept.
  return withoutStrayControls(droppedTag ? sanitizeHtml(once, ARTICLE_HTML_OPTIONS) : once);
}
