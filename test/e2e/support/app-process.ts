import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  /** What it logged to stdout, when `keepOutput` was set. */
  output: () => string;
}

/**
 * A real app (`main`, e.g. 'apps/user/src/main.ts') in a process of its own, so a test can kill it
 * like a crashed pod or stop it like Kubernetes does.
 */
export function spawnApp(main: string, env: NodeJS.ProcessEnv, keepOutput = false): AppProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', main],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'inherit'],
    },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}
