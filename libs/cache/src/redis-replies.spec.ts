import type { ChainableCommander } from 'ioredis';

import { execReplies } from './redis-replies';

const batchOf = (replies: Array<[Error | null, unknown]> | null) =>
  ({ exec: () => Promise.resolve(replies) }) as unknown as ChainableCommander;

describe('execReplies', () => {
  it('answers the replies in order', async () => {
    expect(
      await execReplies(
        batchOf([
          [null, 3],
          [null, 'a'],
          [null, null],
        ]),
      ),
    ).toEqual([3, 'a', null]);
  });

  it('throws the first command error', async () => {
    const first = new Error('WRONGTYPE');
    await expect(
      execReplies(
        batchOf([
          [null, 1],
          [first, null],
          [new Error('later'), null],
        ]),
      ),
    ).rejects.toBe(first);
  });

  it('answers no replies for an aborted transaction', async () => {
    expect(await execReplies(batchOf(null))).toEqual([]);
  });
});
