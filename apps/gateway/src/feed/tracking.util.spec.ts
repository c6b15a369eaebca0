import { exposureOfBatch } from './tracking.util';

describe('exposureOfBatch', () => {
  it('names only the ids of the batch, keeping the other fields and their order', () => {
    const run = JSON.stringify({ action: 'exposure', userId: '7', articleId: '[1,2,3,4]', algorithmCombine: 'Algo-1' });
    expect(exposureOfBatch(run, ['3', '4'])).toBe(
      '{"action":"exposure","userId":"7","articleId":"[3,4]","algorithmCombine":"Algo-1"}',
    );
  });

  it('keeps a string of another format as it is', () => {
    expect(exposureOfBatch('exposure-a', ['1'])).toBe('exposure-a');
    expect(exposureOfBatch('42', ['1'])).toBe('42');
  });
});
