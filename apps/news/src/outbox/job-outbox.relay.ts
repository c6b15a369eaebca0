import { APP_CONFIG, errorMessage, PeriodicTask } from '@app/config';
import { isValidJobId, JobName, type JobPayloads, JobProducer } from '@app/queue';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { NewsConfig } from '../config/news.config';

/** Rows enqueued per transaction. */
export const RELAY_BATCH = 100;
/**
 * How long a batch may wait for the queue: Redis went down during it. The batch is rolled back and
 * relayed again later; what BullMQ still sends once Redis is back is a job of the same id.
 */
const ENQUEUE_TIMEOUT_MS = 5_000;

interface OutboxRow {
  outbox_id: string;
  job_name: string;
  job_id: string;
  payload: string;
}

const JOB_NAMES = new Set<string>(Object.values(JobName));

/**
 * Deletes the relayed rows (a JSON array of their ids), each looked up by its key. `outbox_id IN
 * (…)` was read by scanning the table whenever the batch was much of it (the outbox is small),
 * locking every row on the way: it waited for the rows of a change still committing and of
 * another replica's batch (which it deadlocked with), so replicas held each other up.
 */
export const DELETE_RELAYED_SQL = `DELETE o FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS relayed
  STRAIGHT_JOIN news_job_outbox o ON o.outbox_id = relayed.id`;

/** Whether the outbox holds anything: one index read, and no transaction, for an idle round. */
export const OUTBOX_PROBE_SQL = 'SELECT outbox_id FROM news_job_outbox LIMIT 1';

/**
 * Moves the outbox's jobs into BullMQ: right after a change commits (`relay`), and every
 * OUTBOX_RELAY_INTERVAL_MS for what a queue that was down left behind. A batch is read with
 * `FOR UPDATE SKIP LOCKED`, enqueued and deleted in one transaction, so replicas relay different
 * rows and a batch that cannot be enqueued stays for the next round (a job enqueued twice is one
 * job: its id is the row's).
 */
@Injectable()
export class JobOutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobOutboxRelay.name);
  private readonly rounds = new PeriodicTask(() => this.relay());
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: Pick<NewsConfig, 'OUTBOX_RELAY_INTERVAL_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.runNowAndEvery(this.config.OUTBOX_RELAY_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.rounds.stop();
    await (this.next ?? this.running);
  }

  /**
   * Relays every row committed before the call; resolves when that is done or has failed (and is
   * logged: the rows stay for the next round). A call during a round waits for the next one.
   */
  relay(): Promise<void> {
    if (!this.running) {
      this.running = this.drain().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.relay();
    });
    return this.next;
  }

  private async drain(): Promise<void> {
    try {
      if ((await this.dataSource.query<unknown[]>(OUTBOX_PROBE_SQL)).length === 0) return;
      while ((await this.relayBatch()) === RELAY_BATCH);
    } catch (error) {
      this.logger.warn(`outbox not relayed (kept for the next round): ${errorMessage(error)}`);
    }
  }

  /**
   * Enqueues and deletes up to RELAY_BATCH rows in one transaction; answers how many were taken.
   * With the queue's Redis down it fails at once, taking nothing.
   */
  private async relayBatch(): Promise<number> {
    if (!(await this.jobs.connected())) throw new Error('the queue Redis is not connected');
    // READ COMMITTED: the batch's read locks its rows and no gap, where REPEATABLE READ also locked
    // the end of the table, and every article change's insert waited for the batch's enqueue.
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const rows = await manager.query<OutboxRow[]>(
        'SELECT outbox_id, job_name, job_id, payload FROM news_job_outbox ORDER BY outbox_id LIMIT ? FOR UPDATE SKIP LOCKED',
        [RELAY_BATCH],
      );
      if (rows.length === 0) return 0;
      await withTimeout(Promise.all(rows.map((row) => this.enqueue(row))), ENQUEUE_TIMEOUT_MS);
      await manager.query(DELETE_RELAYED_SQL, [JSON.stringify(rows.map((row) => row.outbox_id))]);
      return rows.length;
    });
  }

  private async enqueue(row: OutboxRow): Promise<void> {
    const payload = parsePayload(row.payload);
    const unfit = !JOB_NAMES.has(row.job_name)
      ? 'not a job'
      : payload === undefined
        ? 'no payload'
        : !this.jobs.feeds(row.job_name as JobName)
          ? 'not a job of the queues news feeds'
          : !isValidJobId(row.job_id)
            ? 'a job id BullMQ refuses'
            : undefined;
    if (unfit !== undefined) {
      // No later round could enqueue it either: dropped, so it does not hold up the rows behind it
      // (hand-made, or written by another release). Only news' own jobs (article ids) show their
      // payload: another's may hold a secret, as an SMS job holds its code.
      const shown =
        JOB_NAMES.has(row.job_name) && this.jobs.feeds(row.job_name as JobName)
          ? row.payload.slice(0, 200)
          : `a payload of ${row.payload.length} characters`;
      this.logger.error(
        `outbox row ${row.outbox_id} dropped: ${unfit} (${row.job_name.slice(0, 64)}, ${row.job_id.slice(0, 200)}, ${shown})`,
      );
      return;
    }
    // Written by writeOutboxJobs from a typed job; the worker checks the payload again.
    await this.jobs.enqueue(row.job_name as JobName, payload as JobPayloads[JobName], {
      jobId: row.job_id,
    });
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the queue did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function parsePayload(json: string): object | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
