import { createHash } from 'node:crypto';

import {
  abBucket,
  AlgorithmCombine,
  algorithmFor,
  articleParams,
  exposureParam,
} from './user-reco-tracking';

/** Finds a user id whose md5 starts with one of `buckets` (deterministic search). */
function userInBucket(buckets: string): string {
  for (let n = 1; ; n += 1) {
    if (buckets.includes(createHash('md5').update(String(n)).digest('hex')[0])) return String(n);
  }
}

describe('tracking strings and A/B buckets', () => {
  it('formats the exposure string as the reference', () => {
    expect(exposureParam('7', ['1294287382374383617', '2'], AlgorithmCombine.Algo1)).toBe(
      '{"action":"exposure","userId":"7","articleId":"[1294287382374383617,2]","algorithmCombine":"Algo-1"}',
    );
  });

  it('formats click, collect, share and read strings per article', () => {
    const params = articleParams('Anony abc', '42', AlgorithmCombine.Algo2);
    expect(params.click).toBe(
      '{"action":"click","userId":"Anony abc","articleId":"42","algorithmCombine":"Algo-2"}',
    );
    expect(JSON.parse(params.collect)).toEqual({
      action: 'collect',
      userId: 'Anony abc',
      articleId: '42',
      algorithmCombine: 'Algo-2',
    });
    expect(JSON.parse(params.share)).toMatchObject({ action: 'share' });
    expect(JSON.parse(params.read)).toMatchObject({ action: 'read' });
  });

  it('escapes user ids inside the JSON', () => {
    const parsed = JSON.parse(exposureParam('a"b', ['1'], AlgorithmCombine.Algo1)) as {
      userId: string;
    };
    expect(parsed.userId).toBe('a"b');
  });

  it('takes the bucket from the first hex digit of md5(user_id)', () => {
    expect(abBucket('1')).toBe('c'); // md5('1') = c4ca4238…
    expect(abBucket('')).toBe('d'); // md5('') = d41d8cd9…
  });

  it('gives Algo-2 to buckets e and f and Algo-1 to the others, as the original', () => {
    expect(algorithmFor(userInBucket('e'))).toBe(AlgorithmCombine.Algo2);
    expect(algorithmFor(userInBucket('f'))).toBe(AlgorithmCombine.Algo2);
    expect(algorithmFor(userInBucket('d'))).toBe(AlgorithmCombine.Algo1);
    expect(algorithmFor(userInBucket('0123456789abc'))).toBe(AlgorithmCombine.Algo1);
  });
});
