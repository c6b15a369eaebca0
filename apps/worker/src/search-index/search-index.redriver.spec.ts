import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';

import { REDRIVE_BATCH, SearchIndexRedriver } from './search-index.redriver';

type FailedJob = Pick<Job, 'id' | 'attemptsMade' | 'opts' | 'failedReason' | 'retry' | 'timestamp'>;

const HOUR = 3_600_000;

/** The failed set of a queue, newest first, as BullMQ's getFailed pages it. */
class FakeFailedJobs {
  readonly jobs: FailedJob[] = [];
  read = 0;

  getFailed(start: number, end: number): Promise<FailedJob[]> {
    const page = this.jobs.slice(start, end + 1);
    this.read += page.length;
    return Promise.resolve(page);
  }

  getFailedCount(): Promise<number> {
    return Promise.resolve(this.jobs.length);
  }

  add(job: Omit<FailedJob, 'retry' | 'timestamp'>, addedAt = Date.now()): void {
    this.jobs.push({
      ...job,
      timestamp: addedAt,
      retry: () => {
        this.jobs.splice(
          this.jobs.findIndex((other) => other.id === job.id),
          1,
        );
        return Promise.resolve();
      },
    });
  }
}

const REFUSED = 3 * 10 * REDRIVE_BATCH;

describe('SearchIndexRedriver', () => {
  let failed: FakeFailedJobs;
  let redriver: SearchIndexRedriver;

  beforeEach(() => {
    Logger.overrideLogger(false);
    failed = new FakeFailedJobs();
    // Refused for good (a release that wrote malformed payloads), kept 7 days: never run again.
    for (let index = 0; index < REFUSED; index += 1) {
      failed.add({
        id: `index-article_x${index}_edit_1`,
        attemptsMade: 1,
        opts: { attempts: 12 },
        failedReason: `Job index-article_x${index}_edit_1 (index-article) has a malformed payload`,
      });
    }
    // Behind them all: used up its attempts while news was down.
    failed.add({
      id: 'index-article_1300000000000000001_approve_1',
      attemptsMade: 12,
      opts: { attempts: 12 },
      failedReason: '14 UNAVAILABLE: No connection established',
    });
    redriver = new SearchIndexRedriver(failed as unknown as Queue, {
      SEARCH_REDRIVE_INTERVAL_MS: 600_000,
    });
  });

  afterEach(() => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });

  it('reads at most ten batches of failed jobs a round, however many are kept', async () => {
    await redriver.redrive();
    expect(failed.read).toBeLessThanOrEqual(10 * REDRIVE_BATCH);
  });

  it('runs again a job behind more refused jobs than a round reads, rounds later', async () => {
    const moved: number[] = [];
    for (let round = 0; round < 4; round += 1) moved.push(await redriver.redrive());
    expect(moved.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(failed.jobs).toHaveLength(REFUSED);
  });

  it('stops running again a job added more than a day ago, which fails whenever it runs, where it ran 12 attempts every round for ever', async () => {
    failed.jobs.splice(0);
    const poison = {
      attemptsMade: 12,
      opts: { attempts: 12 },
      failedReason: '13 INTERNAL: the entry could not be written',
    };
    failed.add(
      { ...poison, id: 'index-article_1300000000000000002_edit_1' },
      Date.now() - 25 * HOUR,
    );
    failed.add(
      { ...poison, id: 'index-article_1300000000000000003_edit_1' },
      Date.now() - 23 * HOUR,
    );
    expect(await redriver.redrive()).toBe(1);
    expect(failed.jobs.map((job) => job.id)).toEqual(['index-article_1300000000000000002_edit_1']);
  });
});
