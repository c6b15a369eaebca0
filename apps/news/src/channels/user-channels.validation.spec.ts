import { AppError, ErrorKind } from '@app/grpc';

import {
  validateChannelIds,
  validateChannelMove,
  validateChannelPositions,
} from './user-channels.validation';

const VISIBLE = new Set([1, 2, 4]);

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('validateChannelPositions', () => {
  it('returns fresh {id, seq} pairs for visible channels with positive sequences', () => {
    const input = [
      { id: 4, seq: 2, extra: 'dropped' },
      { id: 1, seq: 1 },
    ];
    const result = validateChannelPositions(input, VISIBLE);
    expect(result).toEqual([
      { id: 4, seq: 2 },
      { id: 1, seq: 1 },
    ]);
    expect(result[0]).not.toBe(input[0]);
  });

  it('requires at least one channel', () => {
    const error = errorOf(() => validateChannelPositions([], VISIBLE));
    expect(error.kind).toBe(ErrorKind.InvalidArgument);
    expect(error.message).toBe('Channels param is required.');
  });

  it.each([
    ['an unknown channel', 99],
    ['a hidden channel', 3],
    ['the virtual 推荐 channel 0', 0],
    ['a negative id', -1],
  ])('rejects %s', (_case, id) => {
    expect(errorOf(() => validateChannelPositions([{ id, seq: 1 }], VISIBLE)).message).toBe(
      'Invalid channels param.',
    );
  });

  it.each([0, -3, 1.5, 2 ** 31])('rejects the sequence %p', (seq) => {
    const error = errorOf(() => validateChannelPositions([{ id: 1, seq }], VISIBLE));
    expect(error.kind).toBe(ErrorKind.InvalidArgument);
    expect(error.message).toBe('Invalid channel sequence param.');
  });

  it('rejects a channel given twice, even with different sequences', () => {
    const error = errorOf(() =>
      validateChannelPositions(
        [
          { id: 1, seq: 1 },
          { id: 2, seq: 2 },
          { id: 1, seq: 3 },
        ],
        VISIBLE,
      ),
    );
    expect(error.message).toBe('Repeated channels occurred.');
  });

  it('reports a bad id before a bad sequence in the same item', () => {
    expect(errorOf(() => validateChannelPositions([{ id: 99, seq: 0 }], VISIBLE)).message).toBe(
      'Invalid channels param.',
    );
  });
});

describe('validateChannelIds', () => {
  it('requires at least one id', () => {
    expect(errorOf(() => validateChannelIds([])).message).toBe('Channels param is required.');
  });

  it.each([0, -2, 2.5])('rejects the id %p', (id) => {
    expect(errorOf(() => validateChannelIds([1, id])).message).toBe('Invalid channels param.');
  });

  it('accepts ids that are not (or no longer) visible and collapses repeats', () => {
    expect(validateChannelIds([3, 99, 3])).toEqual([3, 99]);
  });
});

describe('validateChannelMove', () => {
  it('returns the position for a visible channel', () => {
    expect(validateChannelMove(2, 7, VISIBLE)).toEqual({ id: 2, seq: 7 });
  });

  it.each([99, 3, 0])('rejects the channel %p with the reference message', (id) => {
    expect(errorOf(() => validateChannelMove(id, 1, VISIBLE)).message).toBe('Invalid channel id.');
  });

  it.each([0, -1])('rejects the sequence %p', (seq) => {
    expect(errorOf(() => validateChannelMove(1, seq, VISIBLE)).message).toBe(
      'Invalid channel sequence param.',
    );
  });
});
