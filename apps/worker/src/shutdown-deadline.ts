import { exitAsSignalled, settledWithin } from '@app/config';
import { Logger } from '@nestjs/common';

import type { ShutdownState } from './health/shutdown-state';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/** How long the deadline waits to learn what held the shutdown: a PING of the queue Redis. */
export const STATE_TIMEOUT_MS = 500;

/**
 * Ends the process `timeoutMs` after the first stop signal unless Nest's shutdown has ended it by
 * then (Nest raises the signal again once its hooks return), logging what held it (`explain`):
 * BullMQ's Worker.close() waits for the jobs in progress, which may simply run longer, and never
 * returns while the queue Redis is unreachable (taskforcesh/bullmq#4656), ioredis neither ending
 * the blocking connection nor acknowledging a job between two reconnection attempts. A job left
 * unacknowledged keeps its place in the active list and its lock runs out, so BullMQ's stalled
 * check gives it to another worker. It exits as the signal would have (143 for SIGTERM): a stop
 * cut short is no crash for Kubernetes or compose to report. `msLeft` is what is left of the
 * timeout when the signal comes (less after a signal held while the worker started).
 */
export function exitAfterShutdownDeadline(
  timeoutMs: number,
  explain: (pingTimeoutMs: number) => Promise<ShutdownState>,
  msLeft: () => number = () => timeoutMs,
): void {
  const arm = (signal: NodeJS.Signals): void => {
    // Off again at once, so the signal Nest raises at the end of its shutdown is not caught here.
    for (const stop of STOP_SIGNALS) process.off(stop, arm);
    setTimeout(() => {
      void settledWithin<ShutdownState | undefined>(
        explain(STATE_TIMEOUT_MS),
        STATE_TIMEOUT_MS * 2,
        undefined,
      ).then((state) => {
        new Logger('Shutdown').error(shutdownDeadlineMessage(signal, timeoutMs, state));
        exitAsSignalled(signal);
      });
    }, msLeft()).unref();
  };
  for (const stop of STOP_SIGNALS) process.on(stop, arm);
}

/** What held a shutdown past its deadline, as the log line says it; `state` undefined: not known. */
export function shutdownDeadlineMessage(
  signal: NodeJS.Signals,
  timeoutMs: number,
  state: ShutdownState | undefined,
): string {
  const head = `${signal}: not stopped within ${timeoutMs} ms`;
  const handedOut = "for BullMQ's stalled check to hand them out again";
  if (!state) return `${head}; exiting with any job in progress unacknowledged, ${handedOut}`;
  const jobs = state.jobsInProgress;
  const listed = `${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
  const named = jobs.length > 0 ? ` (${jobs.join(', ')})` : '';
  if (!state.queueRedisAnswers)
    return `${head}: the queue Redis does not answer; exiting with ${listed} in progress${named} unacknowledged, ${handedOut} once it is back`;
  if (jobs.length > 0)
    return `${head}: ${listed} still running${named}, the queue Redis answering; exiting, their locks left to run out, ${handedOut}`;
  return `${head}, with no job running and the queue Redis answering; exiting`;
}
