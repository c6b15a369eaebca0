import { validateSync } from 'class-validator';

import { asOneLine, withoutStrayControls } from './stored-text-repair';
import { IsTextLine, IsWholeText } from './text-validators';

class Text {
  @IsWholeText({ message: 'text' })
  text: string;
}

class Line {
  @IsTextLine(0, 100, { message: 'line' })
  line: string;
}

const takesText = (text: string) => validateSync(Object.assign(new Text(), { text })).length === 0;
const takesLine = (line: string) => validateSync(Object.assign(new Line(), { line })).length === 0;

/** Every control character (C0, DEL, C1). */
const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  ...Array.from({ length: 0x21 }, (_, offset) => 0x7f + offset),
].map((code) => String.fromCodePoint(code));

describe('stored text repair', () => {
  it.each(CONTROLS.map((control) => [control.codePointAt(0)?.toString(16), control]))(
    'U+%s between words: the repaired text is one the edges take',
    (_, control) => {
      const stored = `a${control}b ${control}`;
      expect(takesText(stored)).toBe(['\t', '\n', '\r'].includes(control));
      expect(takesText(withoutStrayControls(stored))).toBe(true);
      expect(takesLine(stored)).toBe(false);
      expect(takesLine(asOneLine(stored))).toBe(true);
    },
  );

  it.each([
    ['2028', '\u2028'],
    ['2029', '\u2029'],
  ])(
    'U+%s, which clients show as a line break, is a space between words as one',
    (_, separator) => {
      const stored = `${separator}first${separator}second ${separator}`;
      expect(takesLine(stored)).toBe(false);
      expect(asOneLine(stored)).toBe('first second ');
      expect(takesLine(asOneLine(stored))).toBe(true);
    },
  );

  it('spaces the controls that separate words and drops the others', () => {
    expect(withoutStrayControls('Title\u0001 with\vbreak\fand\u0085more\u001b[31m')).toBe(
      'Title with break and more[31m',
    );
    expect(withoutStrayControls('keeps\ttab\r\nand lines\n')).toBe('keeps\ttab\r\nand lines\n');
    expect(asOneLine('\u0085\u0001hi\vthere\r\nnext\ttab\u0000\n')).toBe('hi there next tab');
    expect(asOneLine('Zh\u0000ang')).toBe('Zhang');
  });

  it('changes a text the edges take in nothing', () => {
    for (const text of ['', ' spaced  out ', '中文 ❤️ 👨‍👩‍👧', 'a\u200bb']) {
      expect(withoutStrayControls(text)).toBe(text);
      expect(asOneLine(text)).toBe(text);
    }
  });
});
