import { applyOnceLua } from './apply-once';

const WRITE = { apply: 'APPLY_BODY', replay: 'REPLAY_BODY' };

/** The scripts ApplyOnceScript built when its constructor assembled them itself. */
const SCRIPTS = {
  plain: [
    '',
    'local once_bit = table.remove(ARGV)',
    'local once_bitmap = table.remove(KEYS)',
    '',
    "local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1",
    "redis.call('EXPIRE', once_bitmap, 3600)",
    'if applied_before then',
    '',
    'REPLAY_BODY',
    'end',
    'local reply = (function()',
    'APPLY_BODY',
    'end)()',
    '',
    'return reply',
  ].join('\n'),
  refused: [
    '',
    'local once_bit = table.remove(ARGV)',
    'local once_bitmap = table.remove(KEYS)',
    '',
    "local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1",
    "redis.call('EXPIRE', once_bitmap, 3600)",
    'if applied_before then',
    '',
    'REPLAY_BODY',
    'end',
    'local reply = (function()',
    'APPLY_BODY',
    'end)()',
    "if REFUSED_COND then redis.call('SETBIT', once_bitmap, once_bit, 0) else  end",
    'return reply',
  ].join('\n'),
  kept: [
    '',
    'local once_bit = table.remove(ARGV)',
    'local once_bitmap = table.remove(KEYS)',
    'local once_reply = table.remove(KEYS)',
    "local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1",
    "redis.call('EXPIRE', once_bitmap, 3600)",
    'if applied_before then',
    "local kept = redis.call('GET', once_reply)",
    'if kept then return cjson.decode(kept) end',
    'REPLAY_BODY',
    'end',
    'local reply = (function()',
    'APPLY_BODY',
    'end)()',
    "redis.call('SET', once_reply, cjson.encode(reply), 'EX', 42)",
    'return reply',
  ].join('\n'),
  keptRefused: [
    '',
    'local once_bit = table.remove(ARGV)',
    'local once_bitmap = table.remove(KEYS)',
    'local once_reply = table.remove(KEYS)',
    "local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1",
    "redis.call('EXPIRE', once_bitmap, 3600)",
    'if applied_before then',
    "local kept = redis.call('GET', once_reply)",
    'if kept then return cjson.decode(kept) end',
    'REPLAY_BODY',
    'end',
    'local reply = (function()',
    'APPLY_BODY',
    'end)()',
    "if REFUSED_COND then redis.call('SETBIT', once_bitmap, once_bit, 0) else redis.call('SET', once_reply, cjson.encode(reply), 'EX', 42) end",
    'return reply',
  ].join('\n'),
};

describe('applyOnceLua', () => {
  it.each([
    ['a write', WRITE, SCRIPTS.plain],
    ['a write that may be refused', { ...WRITE, refused: 'REFUSED_COND' }, SCRIPTS.refused],
    ['a write whose reply is kept', { ...WRITE, keepReplyS: 42 }, SCRIPTS.kept],
    [
      'a write that may be refused and whose reply is kept',
      { ...WRITE, refused: 'REFUSED_COND', keepReplyS: 42 },
      SCRIPTS.keptRefused,
    ],
  ])('builds the script of %s', (_name, lua, script) => {
    expect(applyOnceLua(lua)).toBe(script);
  });
});
