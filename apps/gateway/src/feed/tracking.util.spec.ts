import { articleTrace, exposureOfBatch } from './tracking.util';

describe('articleTrace', () => {
  it('builds the recommend tracking strings for each action', () => {
    const trace = articleTrace('42', '1300000000000000001', 'latest');
    expect(JSON.parse(trace.click)).toEqual({
      action: 'click',
      userId: '42',
      articleId: '1300000000000000001',
      algorithmCombine: 'latest',
    });
    expect(JSON.parse(trace.read)).toMatchObject({ action: 'read' });
    expect(JSON.parse(trace.collect)).toMatchObject({ action: 'collect' });
    expect(JSON.parse(trace.share)).toMatchObject({ action: 'share' });
  });
});

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
