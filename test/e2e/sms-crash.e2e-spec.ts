import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { queueConnectionOptions } from '@app/cache';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, jobId, queuePrefix } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  storeSmsCode,
  type TestRedis,
} from '@app/testing';
import { type JobState, Queue } from 'bullmq';

import { spawnWorker } from './support/worker-process';

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ready = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/health/ready`).then((response) =>
    response.status === 200 ? true : undefined,
  );

describe('an SMS job whose worker is killed mid-job', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: Queue;
  let inboxDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase([]);
    redis = createTestRedis();
    inboxDir = mkdtempSync(join(tmpdir(), 'tt-sms-'));
    queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await queue?.close();
    await redis?.cleanup();
    await database?.drop();
    rmSync(inboxDir, { recursive: true, force: true });
  });

  const linesOf = (inbox: string): string[] =>
    existsSync(inbox) ? readFileSync(inbox, 'utf8').trim().split('\n').filter(Boolean) : [];
  const workerEnv = async (inbox: string, latencyMs: number) => {
    const port = await freePort();
    const env = testEnv(database.settings, redis, {
      WORKER_PORT: port,
      HTTP_HOST: '127.0.0.1',
      WORKER_QUEUES: 'sms',
      SMS_LOG_FILE: inbox,
      SMS_LOG_LATENCY_MS: latencyMs,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
    });
    return { port, env };
  };
  /** A worker of its own, ready to take jobs. */
  const startWorkerProcess = async (inbox: string, latencyMs: number) => {
    const { port, env } = await workerEnv(inbox, latencyMs);
    const worker = spawnWorker(env);
    children.push(worker.child);
    await waitFor(ready(port), 90_000, 'worker ready');
    return worker;
  };

  it('is redelivered to another worker and the code is sent exactly once', async () => {
    const inbox = join(inboxDir, 'sms.jsonl');
    const sent = () => linesOf(inbox);

    // Worker A takes the job and dies while the provider call is still in flight.
    const first = await workerEnv(inbox, 4000);
    const workerA = spawnWorker(first.env);
    children.push(workerA.child);
    await waitFor(ready(first.port), 90_000, 'worker A ready');
    const id = jobId(JobName.SendSmsCode, 'app', '13911111111', 'crash');
    await storeSmsCode(redis, 'app', '13911111111', '482913');
    await queue.add(
      JobName.SendSmsCode,
      { mobile: '13911111111', code: '482913', scope: 'app' },
      { ...DEFAULT_JOB_OPTIONS, jobId: id },
    );
    await waitFor(
      async () => ((await queue.getJobState(id)) === 'active' ? true : undefined),
      10_000,
      'job active on A',
    );
    workerA.child.kill('SIGKILL');
    await workerA.exited;
    expect(sent()).toEqual([]);
    expect(await queue.getJobState(id)).toBe<JobState>('active');

    // Worker B finds the job stalled once A's lock expires, and delivers it.
    const second = await workerEnv(inbox, 0);
    const workerB = spawnWorker(second.env, true);
    children.push(workerB.child);
    await waitFor(ready(second.port), 90_000, 'worker B ready');
    await waitFor(
      async () => ((await queue.getJobState(id)) === 'completed' ? true : undefined),
      40_000,
      'job completed on B',
    );

    const lines = sent().map((line) => JSON.parse(line) as { mobile: string; code: string });
    expect(lines).toEqual([expect.objectContaining({ mobile: '13911111111', code: '482913' })]);

    // The same request delivered again (same deterministic id) does not send a second SMS.
    await queue.add(
      JobName.SendSmsCode,
      { mobile: '13911111111', code: '482913', scope: 'app' },
      { ...DEFAULT_JOB_OPTIONS, jobId: id },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent()).toHaveLength(1);

    // B logged the stall once, at warn level, naming the job but not its code.
    const stalls = workerB
      .output()
      .split('\n')
      .filter((line) => line.includes(' stalled ('));
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toContain('WARN');
    expect(stalls[0]).toContain(
      `job ${id} (sms/send-sms-code) stalled (its worker gone, or blocked past its lock): handed out again, stalled 1 time so far`,
    );
    expect(workerB.output()).not.toContain('482913');

    // A graceful stop: Nest drains the workers, closes its clients and re-raises SIGTERM.
    workerB.child.kill('SIGTERM');
    const exit = await workerB.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  }, 300_000);

  it('is sent once also when the worker it was handed to is killed mid-job too', async () => {
    const inbox = join(inboxDir, 'sms-killed-twice.jsonl');
    const mobile = '13922222222';
    const id = jobId(JobName.SendSmsCode, 'app', mobile, 'crash-twice');
    const state = async () => {
      const job = await queue.getJob(id);
      return job ? { state: await job.getState(), stalls: job.stalledCounter } : undefined;
    };

    // Worker A takes the job and dies while the provider call is in flight.
    const workerA = await startWorkerProcess(inbox, 20_000);
    await storeSmsCode(redis, 'app', mobile, '517204');
    await queue.add(
      JobName.SendSmsCode,
      { mobile, code: '517204', scope: 'app' },
      { ...DEFAULT_JOB_OPTIONS, jobId: id },
    );
    await waitFor(
      async () => ((await state())?.state === 'active' ? true : undefined),
      10_000,
      'job active on A',
    );
    workerA.child.kill('SIGKILL');
    await workerA.exited;

    // Worker B gets it from the stalled check, and is killed before the code goes out too.
    const workerB = await startWorkerProcess(inbox, 20_000);
    await waitFor(
      async () => {
        const now = await state();
        return now?.state === 'active' && now.stalls === 1 ? true : undefined;
      },
      60_000,
      'job handed to B',
    );
    workerB.child.kill('SIGKILL');
    await workerB.exited;
    expect(linesOf(inbox)).toEqual([]);

    // Worker C finds it stalled again and delivers it, where BullMQ failed it and no code went out.
    const workerC = await startWorkerProcess(inbox, 0);
    const settled = await waitFor(
      async () => {
        const now = await state();
        return now?.state === 'completed' || now?.state === 'failed' ? now.state : undefined;
      },
      60_000,
      'job settled on C',
    );
    expect(settled).toBe<JobState>('completed');
    const lines = linesOf(inbox).map(
      (line) => JSON.parse(line) as { mobile: string; code: string },
    );
    expect(lines).toEqual([expect.objectContaining({ mobile, code: '517204' })]);

    workerC.child.kill('SIGTERM');
    await workerC.exited;
  }, 300_000);
});
