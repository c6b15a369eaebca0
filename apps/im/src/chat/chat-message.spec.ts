import { MAX_CHAT_MESSAGE_LENGTH, normalizeTimestamp, parseChatMessage } from './chat-message';

const NOW = 1_700_000_000;

describe('normalizeTimestamp', () => {
  it('keeps seconds and turns milliseconds (>= 1e10) into whole seconds', () => {
    expect(normalizeTimestamp(1_700_000_000)).toBe(1_700_000_000);
    expect(normalizeTimestamp(1_700_000_000_999)).toBe(1_700_000_000);
    expect(normalizeTimestamp(9_999_999_999)).toBe(9_999_999_999);
    expect(normalizeTimestamp(10_000_000_000)).toBe(10_000_000);
    expect(normalizeTimestamp(1_700_000_000.7)).toBe(1_700_000_000);
  });
});

describe('parseChatMessage', () => {
  it('accepts the mobile client payload with a millisecond timestamp', () => {
    expect(parseChatMessage({ msg: '你好', timestamp: 1_700_000_123_456 }, NOW)).toEqual({
      ok: true,
      message: { text: '你好', createTime: 1_700_000_123 },
    });
  });

  it('uses the current time when the timestamp is missing', () => {
    expect(parseChatMessage({ msg: 'hi' }, NOW)).toEqual({
      ok: true,
      message: { text: 'hi', createTime: NOW },
    });
  });

  it('accepts exactly 500 characters, counting code points, and refuses 501', () => {
    const emoji = '😀'.repeat(MAX_CHAT_MESSAGE_LENGTH);
    expect(parseChatMessage({ msg: emoji, timestamp: NOW }, NOW).ok).toBe(true);
    expect(parseChatMessage({ msg: `${emoji}x`, timestamp: NOW }, NOW)).toEqual({
      ok: false,
      errors: { msg: 'msg must be 1 to 500 characters.' },
    });
  });

  it('refuses a message holding half an emoji', () => {
    for (const msg of ['半个表情\ud83d', '\ude00尾巴']) {
      expect(parseChatMessage({ msg, timestamp: NOW }, NOW)).toEqual({
        ok: false,
        errors: { msg: 'msg must be whole characters.' },
      });
    }
  });

  it('refuses a message holding a control character but tab and line breaks, as a comment', () => {
    for (const msg of ['你好\u0000', '\u001b[2J清屏', 'a\u007fb', 'x\u0085y']) {
      expect(parseChatMessage({ msg, timestamp: NOW }, NOW)).toEqual({
        ok: false,
        errors: { msg: 'msg must be whole characters.' },
      });
    }
    expect(parseChatMessage({ msg: '第一行\r\n第二行\t完', timestamp: NOW }, NOW).ok).toBe(true);
  });

  it('refuses empty, blank and non-string messages', () => {
    for (const msg of ['', '   ', 42, null, undefined, ['x']]) {
      const result = parseChatMessage({ msg, timestamp: NOW }, NOW);
      expect(result).toEqual({ ok: false, errors: { msg: 'msg must be 1 to 500 characters.' } });
    }
  });

  it('refuses a message of which no character shows, as a comment is refused', () => {
    for (const msg of [
      '\u200b',
      ' \u200d\u2060\u200c ',
      '\u202e\u00ad',
      '\ufeff',
      '\u3164\u2800',
    ]) {
      const result = parseChatMessage({ msg, timestamp: NOW }, NOW);
      expect(result).toEqual({ ok: false, errors: { msg: 'msg must be 1 to 500 characters.' } });
    }
    for (const msg of ['\u200bx', '\u200fمرحبا\u200f', '👨‍👩‍👧', '\u06dd']) {
      expect(parseChatMessage({ msg, timestamp: NOW }, NOW).ok).toBe(true);
    }
  });

  it('refuses timestamps that are not epoch seconds or milliseconds', () => {
    for (const timestamp of [
      '1700000000',
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      5_000_000_000,
      1e16,
    ]) {
      const result = parseChatMessage({ msg: 'hi', timestamp }, NOW);
      expect(result).toEqual({
        ok: false,
        errors: { timestamp: 'timestamp must be seconds or milliseconds since the epoch.' },
      });
    }
  });

  it('refuses payloads that are not objects', () => {
    for (const payload of ['hi', 1, null, undefined, [{ msg: 'hi' }]]) {
      expect(parseChatMessage(payload, NOW)).toEqual({
        ok: false,
        errors: { msg: 'Missing msg.' },
      });
    }
  });
});
