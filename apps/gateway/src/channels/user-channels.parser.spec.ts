import { AppError, ErrorKind } from '@app/grpc';

import {
  parseChannelIdParam,
  parseChannelIds,
  parseChannelPositions,
  parseRemovedChannelId,
  parseSequence,
} from './user-channels.parser';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.kind === ErrorKind.InvalidArgument) return error.message;
    throw error;
  }
  throw new Error('expected an invalid-argument AppError');
}

describe('parseChannelPositions', () => {
  it('keeps only id and seq of each item and accepts integer strings', () => {
    expect(
      parseChannelPositions([
        { id: 1, seq: 2, name: 'html', user_id: '1' },
        { id: '4', seq: '3' },
      ]),
    ).toEqual([
      { id: 1, seq: 2 },
      { id: 4, seq: 3 },
    ]);
  });

  it.each([undefined, null, []])('answers %p with "Channels param is required."', (value) => {
    expect(messageOf(() => parseChannelPositions(value))).toBe('Channels param is required.');
  });

  it.each([
    ['a string', 'abc'],
    ['an object', { id: 1, seq: 1 }],
    ['a bare id', [1]],
    ['a null item', [null]],
    ['an array item', [[1, 1]]],
    ['a missing id', [{ seq: 1 }]],
    ['a fractional id', [{ id: 1.5, seq: 1 }]],
    ['a boolean id', [{ id: true, seq: 1 }]],
    ['a negative id', [{ id: -1, seq: 1 }]],
    ['an id beyond int32', [{ id: 2 ** 31, seq: 1 }]],
    ['a non-numeric id', [{ id: '1a', seq: 1 }]],
  ])('answers %s with "Invalid channels param."', (_case, value) => {
    expect(messageOf(() => parseChannelPositions(value))).toBe('Invalid channels param.');
  });

  it.each([
    ['a missing seq', { id: 1 }],
    ['seq 0', { id: 1, seq: 0 }],
    ['a negative seq', { id: 1, seq: -2 }],
    ['a fractional seq', { id: 1, seq: 1.5 }],
    ['a text seq', { id: 1, seq: 'first' }],
    ['a seq beyond int32', { id: 1, seq: 2 ** 31 }],
  ])('answers %s with "Invalid channel sequence param."', (_case, item) => {
    expect(messageOf(() => parseChannelPositions([item]))).toBe('Invalid channel sequence param.');
  });
});

describe('parseChannelIds', () => {
  it('reads ids as numbers', () => {
    expect(parseChannelIds([1, '4'])).toEqual([1, 4]);
  });

  it.each([undefined, null, []])('answers %p with "Channels param is required."', (value) => {
    expect(messageOf(() => parseChannelIds(value))).toBe('Channels param is required.');
  });

  it.each([[[{ id: 1 }]], [[0]], [['x']], [7]])(
    'answers %p with "Invalid channels param."',
    (value) => {
      expect(messageOf(() => parseChannelIds(value))).toBe('Invalid channels param.');
    },
  );
});

describe('parseSequence', () => {
  it('accepts a positive integer', () => {
    expect(parseSequence(5)).toBe(5);
  });

  it.each([undefined, null, 0, -1, 1.2, 'x'])('rejects %p', (value) => {
    expect(messageOf(() => parseSequence(value))).toBe('Invalid channel sequence param.');
  });
});

describe('parseChannelIdParam', () => {
  it('reads a positive id', () => {
    expect(parseChannelIdParam('12')).toBe(12);
  });

  it.each(['0', '-1', 'abc', '1.5', '99999999999', ''])(
    'rejects %p with "Invalid channel id."',
    (value) => {
      expect(messageOf(() => parseChannelIdParam(value))).toBe('Invalid channel id.');
    },
  );
});

describe('parseRemovedChannelId', () => {
  it('reads a positive id', () => {
    expect(parseRemovedChannelId('12')).toBe(12);
  });

  it.each(['2147483648', '12345678901', '9'.repeat(30)])(
    'reads %p, past the channel ids, as no channel',
    (value) => {
      expect(parseRemovedChannelId(value)).toBeUndefined();
    },
  );

  it.each(['0', '-1', 'abc', '1.5', '01', ''])('refuses %p as a path no route takes', (value) => {
    let refused: unknown;
    try {
      parseRemovedChannelId(value);
    } catch (error) {
      refused = error;
    }
    expect(refused).toEqual(AppError.notFound('The channel does not exist.'));
    expect(refused).toMatchObject({ kind: ErrorKind.NotFound });
  });
});
