import { gatheredMisses } from './gathered-misses';

describe('gatheredMisses', () => {
  it('answers the loads of one tick with one call of the distinct ids, null for those left out', async () => {
    const fetch = jest.fn((ids: string[]) =>
      Promise.resolve(ids.filter((id) => id !== 'gone').map((id) => ({ id, value: `v${id}` }))),
    );
    const misses = gatheredMisses(fetch, (row) => row.id, 10);
    const answers = await Promise.all(['a', 'b', 'gone', 'a'].map((id) => misses.load(id)));
    expect(answers).toEqual([
      { id: 'a', value: 'va' },
      { id: 'b', value: 'vb' },
      null,
      { id: 'a', value: 'va' },
    ]);
    expect(fetch.mock.calls).toEqual([[['a', 'b', 'gone']]]);
  });

  it('splits a tick into calls of at most the batch size and keeps nothing between ticks', async () => {
    const fetch = jest.fn((ids: string[]) => Promise.resolve(ids.map((id) => ({ id }))));
    const misses = gatheredMisses(fetch, (row) => row.id, 2);
    await Promise.all(['1', '2', '3'].map((id) => misses.load(id)));
    await misses.load('1');
    expect(fetch.mock.calls.map(([ids]) => ids)).toEqual([['1', '2'], ['3'], ['1']]);
  });
});
