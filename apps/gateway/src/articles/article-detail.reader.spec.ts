import type { TwoLevelCache } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { of, throwError } from 'rxjs';

import { ArticleDetailReader } from './article-detail.reader';

const A = '1300000000000000001';
const B = '1300000000000000002';
const C = '1300000000000000003';
const MISSING = '1300000000000000999';

const detail = (artId: string): articleV1.ArticleDetail => ({
  artId,
  title: `t${artId.slice(-1)}`,
  pubdate: '2019-03-11T16:30:05.000Z',
  content: '<p/>',
  autId: '1294287382374383616',
  chId: 1,
});

function newTestReader(
  cached: Record<string, articleV1.ArticleDetail>,
  stored: articleV1.ArticleDetail[],
) {
  const cache = {
    peek: jest.fn((key: string) => Promise.resolve(cached[key.split(':')[1]])),
  };
  const getArticles = jest.fn((request: articleV1.GetArticlesRequest) =>
    of({ articles: stored.filter((article) => request.articleIds.includes(article.artId)) }),
  );
  const reader = new ArticleDetailReader(
    cache as unknown as TwoLevelCache,
    { getArticles } as unknown as articleV1.ArticleServiceClient,
  );
  return { reader, getArticles };
}

describe('ArticleDetailReader', () => {
  it('sends the misses of requests served together in one GetArticles call', async () => {
    const { reader, getArticles } = newTestReader({ [B]: detail(B) }, [detail(A), detail(C)]);
    const answers = await Promise.all([
      reader.read(A),
      reader.read(B),
      reader.read(C),
      reader.read(MISSING),
    ]);
    expect(answers.map((answer) => answer?.artId ?? null)).toEqual([A, B, C, null]);
    expect(getArticles.mock.calls.map(([request]) => request.articleIds)).toEqual([
      [A, C, MISSING],
    ]);
  });

  it('lets concurrent misses of one article share its place in the call', async () => {
    const { reader, getArticles } = newTestReader({}, [detail(A)]);
    const answers = await Promise.all([reader.read(A), reader.read(A), reader.read(A)]);
    expect(answers.map((answer) => answer?.title)).toEqual(['t1', 't1', 't1']);
    expect(getArticles.mock.calls.map(([request]) => request.articleIds)).toEqual([[A]]);
  });

  it('asks again after a call, and never for a malformed id', async () => {
    const { reader, getArticles } = newTestReader({}, [detail(A)]);
    expect((await reader.read(A))?.artId).toBe(A);
    expect(await reader.read('12abc')).toBeNull();
    expect((await reader.read(A))?.artId).toBe(A);
    expect(getArticles).toHaveBeenCalledTimes(2);
  });

  it('fails every request of a call that fails', async () => {
    const cache = { peek: jest.fn(() => Promise.resolve(undefined)) };
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: news is down'), { code: 14 });
    const reader = new ArticleDetailReader(
      cache as unknown as TwoLevelCache,
      {
        getArticles: () => throwError(() => unavailable),
      } as unknown as articleV1.ArticleServiceClient,
    );
    const answers = await Promise.allSettled([reader.read(A), reader.read(B)]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });
});
