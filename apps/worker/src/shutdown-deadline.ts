import { Logger } from '@nestjs/common';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Ends the process `timeoutMs` after the first stop signal unless Nest's shutdown has ended it by
 * then (Nest raises the signal again once its hooks return). BullMQ's Worker.close() never returns
 * while the queue Redis is unreachable (taskforcesh/bullmq#4656): it waits for the blocking
 * connection to end and for the jobs in progress to be acknowledged, and ioredis does neither
 * between two reconnection attempts. A job left unacknowledged keeps its place in the active list
 * and its lock runs out, so BullMQ's stalled check gives it to another worker.
 */
export function exitAfterShutdownDeadline(timeoutMs: number): void {
  const arm = (signal: NodeJS.Signals): void => {
    // Off again at once, so the signal Nest raises at the end of its shutdown is not caught here.
    for (const stop of STOP_SIGNALS) process.off(stop, arm);
    setTimeout(() => {
      new Logger('Shutdown').error(
        `${signal}: not stopped within ${timeoutMs} ms (is Redis unreachable?); exiting with the jobs in progress unacknowledged, for BullMQ's stalled check to hand them out again`,
      );
      process.exit(1);
    }, timeoutMs).unref();
  };
  for (const stop of STOP_SIGNALS) process.on(stop, arm);
}
