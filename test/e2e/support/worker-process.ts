import { type AppProcess, spawnApp } from './app-process';

export type { ProcessExit } from './app-process';

/**
 * The real worker in a process of its own, so a test can kill it like a crashed pod or stop it
 * like Kubernetes does. What it logs to stdout is kept in `output` when `keepOutput` is set.
 */
export function spawnWorker(env: NodeJS.ProcessEnv, keepOutput = false): AppProcess {
  return spawnApp('apps/worker/src/main.ts', env, keepOutput);
}
