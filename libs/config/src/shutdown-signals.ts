import { constants } from 'node:os';

import { Logger, ShutdownSignal } from '@nestjs/common';

/** The signals Nest's `enableShutdownHooks()` listens to. */
const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = Object.values(ShutdownSignal);

/**
 * Ends the process with the code a shell or an init (compose's tini) reports for a process that
 * `signal` ended (143 for SIGTERM), as they report the stops that ran to their end: a stop cut
 * short is no crash. Raising the signal again would lose the logger's last lines.
 */
export function exitAsSignalled(signal: NodeJS.Signals): never {
  return process.exit(128 + constants.signals[signal]);
}

interface HeldShutdownSignals {
  /** What is left of the bound since the signal held came; the whole bound when none came. */
  msLeft: () => number;
  /** The start ended: stops holding, then raises the signal held, if any, for the handlers listening by now. */
  release: () => void;
  /** The start failed: stops holding (the failure ends the process). */
  drop: () => void;
}

/**
 * Holds the shutdown signals a service gets while it starts: without a handler yet, one would end
 * it at once, its MySQL and Redis connections cut mid-migration or mid-build, no shutdown hook
 * run. The start runs to its end, then the signal is raised again for the shutdown it then has. A
 * start still running `boundMs` after the signal (the drain bound) ends the process as the signal
 * would have.
 */
function holdShutdownSignals(boundMs: number): HeldShutdownSignals {
  const logger = new Logger('Shutdown');
  let held: { signal: NodeJS.Signals; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (held) return;
    held = { signal, at: Date.now() };
    logger.log(`${signal} while starting: stopping once started`);
    timer = setTimeout(() => {
      logger.warn(`${signal}: still starting ${boundMs} ms later; exiting`);
      // A start that is still creating the app buffers what is logged meanwhile.
      Logger.flush();
      exitAsSignalled(signal);
    }, boundMs);
  };
  const stop = (): void => {
    SHUTDOWN_SIGNALS.forEach((signal) => process.removeListener(signal, onSignal));
    clearTimeout(timer);
  };
  SHUTDOWN_SIGNALS.forEach((signal) => process.on(signal, onSignal));
  return {
    msLeft: () => (held ? Math.max(0, boundMs - (Date.now() - held.at)) : boundMs),
    release: () => {
      stop();
      if (held) process.kill(process.pid, held.signal);
    },
    drop: stop,
  };
}

/**
 * Runs `start` holding the shutdown signals (`holdShutdownSignals`), `msLeft` of `boundMs` given
 * to it; once it resolved, with the app's own handlers listening, a signal held meanwhile is
 * raised again for them. A start that fails stops holding once its failure settled.
 */
export async function startHoldingShutdownSignals<T>(
  boundMs: number,
  start: (msLeft: () => number) => Promise<T>,
): Promise<T> {
  const signals = holdShutdownSignals(boundMs);
  let started: T;
  try {
    started = await start(signals.msLeft);
  } catch (error) {
    signals.drop();
    throw error;
  }
  signals.release();
  return started;
}
