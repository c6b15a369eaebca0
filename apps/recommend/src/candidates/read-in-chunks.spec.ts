import { readInChunks } from './read-in-chunks';

describe('readInChunks', () => {
  it('reads chunk after chunk and answers in the order of the items', async () => {
    const chunks: number[][] = [];
    let running = 0;
    const answers = await readInChunks(
      [1, 2, 3, 4, 5, 6, 7],
      async (chunk) => {
        running += 1;
        expect(running).toBe(1);
        chunks.push(chunk);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return chunk.map((item) => item * 10);
      },
      3,
    );
    expect(chunks).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(answers).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('makes no read for no items', async () => {
    const read = jest.fn(() => Promise.resolve([]));
    expect(await readInChunks([], read)).toEqual([]);
    expect(read).not.toHaveBeenCalled();
  });
});
