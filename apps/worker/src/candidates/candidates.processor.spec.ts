import type { candidateV1 } from '@app/contracts';
import { JobName } from '@app/queue';
import { UnrecoverableError } from 'bullmq';
import { type Observable, of, throwError } from 'rxjs';

import { CandidatesProcessor } from './candidates.processor';

const ARTICLE_ID = '1300000000000000001';

type RefreshCandidate = jest.Mock<
  Observable<candidateV1.RefreshCandidateResponse>,
  [candidateV1.RefreshCandidateRequest]
>;

const refreshMock = (): RefreshCandidate =>
  jest.fn<
    Observable<candidateV1.RefreshCandidateResponse>,
    [candidateV1.RefreshCandidateRequest]
  >();

function newTestProcessor(refreshCandidate: RefreshCandidate) {
  const client = { refreshCandidate } as unknown as candidateV1.CandidateServiceClient;
  return new CandidatesProcessor(client);
}

const job = (data: unknown, name: string = JobName.RefreshCandidate) => ({
  id: 'refresh-candidate_1',
  name,
  data,
});

describe('CandidatesProcessor', () => {
  it('asks the recommend service to re-read the article and reports the outcome', async () => {
    const refreshCandidate = refreshMock().mockReturnValue(of({ candidate: true }));
    await expect(
      newTestProcessor(refreshCandidate).process(job({ articleId: ARTICLE_ID })),
    ).resolves.toEqual({
      candidate: true,
    });
    expect(refreshCandidate).toHaveBeenCalledWith({ articleId: ARTICLE_ID });
  });

  it('reports an article that left the pools', async () => {
    const processor = newTestProcessor(refreshMock().mockReturnValue(of({ candidate: false })));
    await expect(processor.process(job({ articleId: ARTICLE_ID }))).resolves.toEqual({
      candidate: false,
    });
  });

  it('fails (so BullMQ retries) when the recommend service cannot be reached', async () => {
    const processor = newTestProcessor(
      refreshMock().mockReturnValue(throwError(() => new Error('14 UNAVAILABLE'))),
    );
    const error = await processor
      .process(job({ articleId: ARTICLE_ID }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
  });

  it.each([
    ['no payload', null],
    ['a numeric article id', { articleId: 42 }],
    ['a malformed article id', { articleId: '01' }],
  ])('gives up at once on %s', async (_case, data) => {
    const refreshCandidate = refreshMock();
    await expect(newTestProcessor(refreshCandidate).process(job(data))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(refreshCandidate).not.toHaveBeenCalled();
  });

  it('refuses jobs of another name', async () => {
    await expect(
      newTestProcessor(refreshMock()).process(job({ articleId: ARTICLE_ID }, 'other')),
    ).rejects.toThrow('has no handler for job "other"');
  });
});
