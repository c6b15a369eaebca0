import { queueConnectionOptions } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { JobProducer, queuePrefix, QueueName, type RepairCountersPayload } from '@app/queue';
import { Queue, QueueEvents } from 'bullmq';

import { type WorkerConfig, workerEnvSchema } from './config/worker.config';
import type { RepairCountersResult } from './statistics/counter-repair.processor';
import { enqueueRequestedCounterRepair } from './statistics/counter-repair.scheduler';

export interface CounterRepairRun {
  jobId: string;
  /** The job's outcome; undefined when not waited for. */
  result?: RepairCountersResult;
}

/**
 * Enqueues a counter repair now, for the running workers (after a state Redis lost its data, say,
 * rather than waiting for COUNTER_REPAIR_CRON). Its id is its own, so it runs even in the minute of
 * a scheduled repair; one that finds another repair running completes as skipped.
 */
export async function requestCounterRepair(
  config: Pick<WorkerConfig, 'REDIS_QUEUE_URL' | 'REDIS_KEY_PREFIX'>,
  waitMs?: number,
): Promise<CounterRepairRun> {
  const options = {
    connection: queueConnectionOptions(config.REDIS_QUEUE_URL),
    prefix: queuePrefix(config.REDIS_KEY_PREFIX),
  };
  const queue = new Queue<RepairCountersPayload, RepairCountersResult>(
    QueueName.Statistics,
    options,
  );
  const events = waitMs === undefined ? undefined : new QueueEvents(QueueName.Statistics, options);
  try {
    await events?.waitUntilReady();
    const id = await enqueueRequestedCounterRepair(new JobProducer([queue]), new Date());
    if (!events) return { jobId: id };
    const job = await queue.getJob(id);
    if (!job) throw new Error(`job ${id} is gone`);
    return { jobId: id, result: await job.waitUntilFinished(events, waitMs) };
  } finally {
    await events?.close();
    await queue.close();
  }
}

/** What `--wait` allows beyond one attempt's calls: the job's wait for a worker, its first quick retries. */
export const COUNTER_REPAIR_WAIT_MARGIN_MS = 5 * 60_000;

/**
 * How long `--wait` waits for the repair's outcome, undefined without it: news and user may each
 * take COUNTER_REPAIR_DEADLINE_MS (up to an hour), and a fixed 15 minutes gave up on a repair
 * still running.
 */
export function counterRepairWaitMs(
  argv: readonly string[],
  config: Pick<WorkerConfig, 'COUNTER_REPAIR_DEADLINE_MS'>,
): number | undefined {
  return argv.includes('--wait')
    ? config.COUNTER_REPAIR_DEADLINE_MS + COUNTER_REPAIR_WAIT_MARGIN_MS
    : undefined;
}

// `npm run counters:repair [-- --wait]`: with --wait, prints the outcome.
if (require.main === module) {
  runMain(async () => {
    const config = loadConfig(workerEnvSchema);
    const run = await requestCounterRepair(config, counterRepairWaitMs(process.argv, config));
    console.log(JSON.stringify(run));
  });
}
