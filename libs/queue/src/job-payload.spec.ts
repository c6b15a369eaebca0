import { UnrecoverableError } from 'bullmq';

import { isRefusedJob, jobPayload } from './job-payload';
import { JobName, type RefreshCandidatePayload } from './queue-names';

const isRefreshCandidate = (data: unknown): data is RefreshCandidatePayload =>
  typeof data === 'object' &&
  data !== null &&
  typeof (data as { articleId?: unknown }).articleId === 'string';

describe('jobPayload', () => {
  it('answers the payload of a job of the name', () => {
    const job = { id: '1', name: JobName.RefreshCandidate, data: { articleId: '7' } };
    expect(jobPayload(job, JobName.RefreshCandidate, isRefreshCandidate)).toEqual({
      articleId: '7',
    });
  });

  it('fails for good on a job of another name, naming the queue', () => {
    const job = { id: '1', name: 'other', data: { articleId: '7' } };
    expect(() => jobPayload(job, JobName.RefreshCandidate, isRefreshCandidate)).toThrow(
      new UnrecoverableError('Queue "candidates" has no handler for job "other"'),
    );
  });

  it('fails for good on a malformed payload', () => {
    const job = { id: '9', name: JobName.RefreshCandidate, data: { articleId: 7 } };
    expect(() => jobPayload(job, JobName.RefreshCandidate, isRefreshCandidate)).toThrow(
      new UnrecoverableError('Job 9 (refresh-candidate) has a malformed payload'),
    );
  });

  it('tells a job it refused from one that failed otherwise', () => {
    const reasonOf = (job: { id: string; name: string; data: unknown }): string => {
      try {
        jobPayload(job, JobName.RefreshCandidate, isRefreshCandidate);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    const refused = [
      reasonOf({ id: '1', name: 'other "(x)"', data: {} }),
      reasonOf({ id: 'refresh-candidate_1 (x)', name: JobName.RefreshCandidate, data: null }),
    ];
    for (const failedReason of refused) expect(isRefusedJob({ failedReason })).toBe(true);
    for (const failedReason of [
      '14 UNAVAILABLE: No connection established',
      'job stalled more than allowable limit',
      undefined,
    ])
      expect(isRefusedJob({ failedReason } as { failedReason: string })).toBe(false);
  });
});
