/**
 * A rich article as the publish admin's editor (element-tiptap: headings, alignment, colour,
 * emphasis, images, lists, to-do list, code block) writes it and a browser serialises it
 * (`sent`), and as it is stored after sanitising (`stored`): only the serialisation differs (void
 * tags closed, styles compacted, an empty title dropped, `rel` added to a link to a new tab).
 */
export function editorArticleHtml(image: string): { sent: string; stored: string } {
  return {
    sent: [
      '<h3 style="text-align: center;">标题</h3>',
      '<p style="text-align: center;line-height: 1.5;" data-indent="1">正文 <strong>粗</strong> <em>斜</em> <u>下划线</u> <s>删除</s>',
      ' <span style="color: #f56c6c;">红字</span> a &lt; b &amp; c</p>',
      `<p><img src="${image}" alt="图" title="" width="200" data-display="inline"></p>`,
      '<ul><li><p>一</p></li></ul><ol><li><p>二</p></li></ol><hr>',
      '<ul data-type="todo_list"><li data-type="todo_item" data-done="true" class="todo-item todo-item--done">',
      '<span contenteditable="false"><span class="el-checkbox is-checked" style="pointer-events: none;">',
      '<span class="el-checkbox__input is-checked"><span class="el-checkbox__inner"></span></span></span></span>',
      '<div class="todo-content"><p>待办</p></div></li></ul>',
      '<pre><code>if (a &lt; b) { return; }</code></pre>',
      '<blockquote><p>引用</p></blockquote>',
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank">链接</a> <a href="mailto:a@example.com">信</a></p>',
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>',
    ].join(''),
    stored: [
      '<h3 style="text-align:center">标题</h3>',
      '<p style="text-align:center;line-height:1.5" data-indent="1">正文 <strong>粗</strong> <em>斜</em> <u>下划线</u> <s>删除</s>',
      ' <span style="color:#f56c6c">红字</span> a &lt; b &amp; c</p>',
      `<p><img src="${image}" alt="图" width="200" data-display="inline" /></p>`,
      '<ul><li><p>一</p></li></ul><ol><li><p>二</p></li></ol><hr />',
      '<ul data-type="todo_list"><li data-type="todo_item" data-done="true" class="todo-item todo-item--done">',
      '<span><span class="el-checkbox is-checked" style="pointer-events:none">',
      '<span class="el-checkbox__input is-checked"><span class="el-checkbox__inner"></span></span></span></span>',
      '<div class="todo-content"><p>待办</p></div></li></ul>',
      '<pre><code>if (a &lt; b) { return; }</code></pre>',
      '<blockquote><p>引用</p></blockquote>',
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">链接</a> <a href="mailto:a@example.com">信</a></p>',
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>',
    ].join(''),
  };
}

/** A small, seeded generator (mulberry32): the same strings on every run. */
export function random(seed: number): () => number {
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

/** A string of tags, attributes and text, well formed or not, as `next` rolls them. */
export function htmlLike(next: () => number): string {
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
