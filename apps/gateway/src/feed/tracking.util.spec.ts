import { articleTrace } from './tracking.util';

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
