import { splitRun } from './feed-batch.dealer';

describe('splitRun', () => {
  it('cuts a run into batches of ten, each with the exposure of its own ids', () => {
    const ids = Array.from({ length: 23 }, (_, index) => String(index + 1));
    const exposure = JSON.stringify({ action: 'exposure', userId: 'u', articleId: `[${ids.join(',')}]`, algorithmCombine: 'Algo-1' });
    const batches = splitRun({ ids, timeStamp: 0, exposure });
    expect(batches.map((batch) => batch.ids.length)).toEqual([10, 10, 3]);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(ids);
    expect(JSON.parse(batches[2].exposure)).toMatchObject({ articleId: '[21,22,23]', userId: 'u' });
  });
});
