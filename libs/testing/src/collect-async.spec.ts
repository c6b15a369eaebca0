import { collectAsync } from './collect-async';

describe('collectAsync', () => {
  it('answers every yielded value in order, and none for an empty source', async () => {
    async function* counting(to: number): AsyncGenerator<number> {
      for (let value = 1; value <= to; value++) yield await Promise.resolve(value);
    }
    expect(await collectAsync(counting(3))).toEqual([1, 2, 3]);
    expect(await collectAsync(counting(0))).toEqual([]);
  });
});
