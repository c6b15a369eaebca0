import { batchExposures } from './tracking.util';

describe('batchExposures', () => {
  it('names only the ids of each batch, keeping the other fields and their order', () => {
    const run = JSON.stringify({
      action: 'exposure',
      userId: '7',
      articleId: '[1,2,3,4]',
      algorithmCombine: 'Algo-1',
    });
    const exposureOf = batchExposures(run);
    expect(exposureOf(['1', '2'])).toBe(
      '{"action":"exposure","userId":"7","articleId":"[1,2]","algorithmCombine":"Algo-1"}',
    );
    expect(exposureOf(['3', '4'])).toBe(
      '{"action":"exposure","userId":"7","articleId":"[3,4]","algorithmCombine":"Algo-1"}',
    );
  });

  it('keeps a string of another format as it is', () => {
    expect(batchExposures('exposure-a')(['1'])).toBe('exposure-a');
    expect(batchExposures('42')(['1'])).toBe('42');
  });
});
