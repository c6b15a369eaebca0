import { Logger, ShutdownSignal } from '@nestjs/common';

/**
 * Runs `close` on the first of the signals Nest's `enableShutdownHooks()` listens to (later ones
 * wait for it), then ends the process as Nest does: by that same signal, or with 1 when `close`
 * failed. Answers what stops listening, for a `close` that came another way.
 */
export function closeOnShutdownSignals(close: () => Promise<void>): () => void {
  const signals: NodeJS.Signals[] = Object.values(ShutdownSignal);
  let received = false;
  const stopListening = (): void =>
    signals.forEach((signal) => process.removeListener(signal, onSignal));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) return;
    received = true;
    close().then(
      () => {
        stopListening();
        process.kill(process.pid, signal);
      },
      (error: unknown) => {
        Logger.error(
          'Error happened during shutdown',
          error instanceof Error ? error.stack : String(error),
          'Shutdown',
        );
        process.exit(1);
      },
    );
  };
  signals.forEach((signal) => process.on(signal, onSignal));
  return stopListening;
}
