import { type ChildProcess, spawn } from 'node:child_process';

/** A server process of a test's own that can be killed and started again with the same arguments. */
export interface RestartableProcess {
  /** Spawns it and resolves once `untilAnswering` does; a start that fails leaves no process behind. */
  start(): Promise<void>;
  /** Sends `signal` and resolves once it exited; nothing when it is not running. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** Sends `signal` (SIGSTOP freezes the process, SIGCONT resumes it); nothing when it is not running. */
  signal(signal: NodeJS.Signals): void;
}

export function restartableProcess(
  name: string,
  command: string,
  args: readonly string[],
  untilAnswering: (child: ChildProcess) => Promise<void>,
): RestartableProcess {
  let child: ChildProcess | undefined;

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };

  return {
    stop,
    signal: (signal) => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    start: async () => {
      if (child) throw new Error(`${name} is already running`);
      const started = spawn(command, args, { stdio: 'ignore' });
      child = started;
      await untilAnswering(started).catch(async (error: unknown) => {
        await stop('SIGKILL');
        throw error;
      });
    },
  };
}
