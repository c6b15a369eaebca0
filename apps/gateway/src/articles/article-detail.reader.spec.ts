import type { TwoLevelCache } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { type Observable, of, throwError } from 'rxjs';

import { ArticleDetailReader } from './article-detail.reader';

const A = '1300000000000000001';
const B = '1300000000000000002';
const C = '1300000000000000003';
const MISSING = '1300000000000000999';
const CONFIG = { GRPC_DEADLINE_MS: 3000 };

/** INTERNAL as a call ends whose reply the client refused, over its message limit. */
function refusedReply(marked = true): Error {
  const metadata = new Metadata();
  if (marked) metadata.set('x-refused-reply', '1');
  return Object.assign(
    new Error('13 INTERNAL: Received message larger than max (5000136 vs 4194304)'),
    {
      code: GrpcStatus.INTERNAL,
      details: 'Received message larger than max (5000136 vs 4194304)',
      metadata,
    },
  );
}

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
    of({
      articles: stored.filter((article) => request.articleIds.includes(article.artId)),
      leftOutArticleIds: [],
    }),
  );
  const reader = new ArticleDetailReader(
    cache as unknown as TwoLevelCache,
    { getArticles } as unknown as articleV1.ArticleServiceClient,
    CONFIG,
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
      CONFIG,
    );
    const answers = await Promise.allSettled([reader.read(A), reader.read(B)]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });

  describe('a reply that leaves out the articles past one message', () => {
    afterEach(() => jest.restoreAllMocks());

    /** News answering the first `fits` ids asked of `stored` a reply and naming the others as left out. */
    function newReaderAnswering(
      fits: number,
      stored: articleV1.ArticleDetail[],
      failing: string[] = [],
    ) {
      const cache = { peek: jest.fn(() => Promise.resolve(undefined)) };
      const getArticles = jest.fn(
        (request: articleV1.GetArticlesRequest): Observable<articleV1.GetArticlesResponse> => {
          // A call that would answer one of `failing` first fails whole.
          if (failing.includes(request.articleIds[0]))
            return throwError(() => new Error('news is down'));
          const read = request.articleIds.slice(0, fits);
          return of({
            articles: stored.filter((article) => read.includes(article.artId)),
            leftOutArticleIds: request.articleIds.slice(fits),
          });
        },
      );
      const reader = new ArticleDetailReader(
        cache as unknown as TwoLevelCache,
        { getArticles } as unknown as articleV1.ArticleServiceClient,
        CONFIG,
      );
      return { reader, getArticles };
    }

    it('asks again for the ids left out, within the first call deadline, every reader answered', async () => {
      const startedAt = 1_700_000_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => startedAt);
      const { reader, getArticles } = newReaderAnswering(2, [detail(A), detail(B), detail(C)]);
      const answers = await Promise.all([
        reader.read(A),
        reader.read(B),
        reader.read(C),
        reader.read(MISSING),
      ]);
      expect(answers.map((answer) => answer?.artId ?? null)).toEqual([A, B, C, null]);
      expect(getArticles.mock.calls.map(([request]) => request)).toEqual([
        { articleIds: [A, B, C, MISSING], maxReplyBytes: 4 * 1024 * 1024 },
        { articleIds: [C, MISSING], maxReplyBytes: 4 * 1024 * 1024 },
      ]);
      expect((getArticles.mock.calls[1] as unknown[])[2]).toEqual({
        deadline: startedAt + CONFIG.GRPC_DEADLINE_MS,
      });
    });

    it('fails only the readers of the ids asked for again when that call fails', async () => {
      const { reader } = newReaderAnswering(2, [detail(A), detail(B), detail(C)], [C]);
      const answers = await Promise.allSettled([reader.read(A), reader.read(B), reader.read(C)]);
      expect(answers.map((answer) => answer.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
    });

    it('fails the readers when news leaves out every id it was asked for', async () => {
      const { reader, getArticles } = newReaderAnswering(0, [detail(A), detail(B)]);
      const answers = await Promise.allSettled([reader.read(A), reader.read(B)]);
      expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
      expect(getArticles).toHaveBeenCalledTimes(1);
    });
  });

  describe('a reply refused as too large for one message', () => {
    afterEach(() => jest.restoreAllMocks());

    /** News answering `stored`, where a reply of more than `fits` articles is refused. */
    function newReaderOver(
      fits: number,
      stored: articleV1.ArticleDetail[],
      marked = true,
      tooLarge: string[] = [],
    ) {
      const cache = { peek: jest.fn(() => Promise.resolve(undefined)) };
      const getArticles = jest.fn(
        (request: articleV1.GetArticlesRequest): Observable<articleV1.GetArticlesResponse> =>
          request.articleIds.length > fits || request.articleIds.some((id) => tooLarge.includes(id))
            ? throwError(() => refusedReply(marked))
            : of({
                articles: stored.filter((article) => request.articleIds.includes(article.artId)),
                leftOutArticleIds: [],
              }),
      );
      const reader = new ArticleDetailReader(
        cache as unknown as TwoLevelCache,
        { getArticles } as unknown as articleV1.ArticleServiceClient,
        CONFIG,
      );
      return { reader, getArticles };
    }

    it('is asked for again in halves until each part fits, every reader answered', async () => {
      const { reader, getArticles } = newReaderOver(1, [detail(A), detail(B), detail(C)]);
      const answers = await Promise.all([
        reader.read(A),
        reader.read(B),
        reader.read(C),
        reader.read(MISSING),
      ]);
      expect(answers.map((answer) => answer?.artId ?? null)).toEqual([A, B, C, null]);
      expect(getArticles.mock.calls.map(([request]) => request.articleIds)).toEqual([
        [A, B, C, MISSING],
        [A, B],
        [C, MISSING],
        [A],
        [B],
        [C],
        [MISSING],
      ]);
    });

    it('fails the reader of an article too large alone, and any other INTERNAL is not asked again', async () => {
      const alone = newReaderOver(0, [detail(A)]);
      await expect(alone.reader.read(A)).rejects.toMatchObject({ code: GrpcStatus.INTERNAL });
      expect(alone.getArticles).toHaveBeenCalledTimes(1);

      const fault = newReaderOver(1, [detail(A), detail(B)], false);
      const answers = await Promise.allSettled([fault.reader.read(A), fault.reader.read(B)]);
      expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
      expect(fault.getArticles).toHaveBeenCalledTimes(1);
    });

    it('asks for the parts within the deadline of the first call, however many calls it takes', async () => {
      const startedAt = 1_700_000_000_000;
      let now = startedAt;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const { reader, getArticles } = newReaderOver(1, [detail(A), detail(B), detail(C)]);
      // Each refusal comes a second after its call: halving alone would take four deadlines.
      getArticles.mockImplementation((request) => {
        now += 1000;
        return request.articleIds.length > 1
          ? throwError(() => refusedReply())
          : of({ articles: [detail(request.articleIds[0])], leftOutArticleIds: [] });
      });
      await Promise.allSettled([
        reader.read(A),
        reader.read(B),
        reader.read(C),
        reader.read(MISSING),
      ]);
      const deadlines = getArticles.mock.calls.slice(1).map((call) => (call as unknown[])[2]);
      expect(deadlines.length).toBeGreaterThan(0);
      expect(deadlines).toEqual(
        deadlines.map(() => ({ deadline: startedAt + CONFIG.GRPC_DEADLINE_MS })),
      );
    });

    it('fails only the readers of a part that cannot be answered, the others get their articles', async () => {
      const { reader } = newReaderOver(1, [detail(A), detail(B), detail(C)], true, [A]);
      const answers = await Promise.allSettled([
        reader.read(A),
        reader.read(B),
        reader.read(C),
        reader.read(MISSING),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([
        'rejected',
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      expect(answers[0]).toMatchObject({ reason: { code: GrpcStatus.INTERNAL } });
      expect(
        answers
          .slice(1)
          .map((answer) =>
            answer.status === 'fulfilled' ? (answer.value?.artId ?? null) : 'failed',
          ),
      ).toEqual([B, C, null]);
    });
  });
});
