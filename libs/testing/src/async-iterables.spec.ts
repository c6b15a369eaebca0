import { collectAsync, yieldEach } from './async-iterables';

describe('async iterables', () => {
  it('collects every yielded value in order, and none from an empty source', async () => {
    expect(await collectAsync(yieldEach([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(await collectAsync(yieldEach([]))).toEqual([]);
  });

  it('yields each value after an await, not all at once', async () => {
    const seen: string[] = [];
    const reading = (async () => {
      for await (const value of yieldEach(['a', 'b'])) seen.push(value);
    })();
    seen.push('started');
    await reading;
    expect(seen).toEqual(['started', 'a', 'b']);
  });
});
