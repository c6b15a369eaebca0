import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs / 1000}s`);
}

export const hasTaskset = (): boolean => spawnSync('which', ['taskset']).status === 0;

export interface Child {
  name: string;
  process: ChildProcess;
  /** Last lines of output, shown when the child dies early. */
  tail: string[];
  /** Set when the bench stops it on purpose. */
  expectedExit?: boolean;
}

const children: Child[] = [];
let stopping = false;

/** Starts a child, optionally pinned to `cpus` with taskset (exec keeps the pid the same). */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cpus?: string,
): Child {
  const [file, argv] = cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
  const child: Child = {
    name,
    process: spawn(file, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }),
    tail: [],
  };
  // BENCH_APP_LOGS=<dir> keeps each child's whole output in <dir>/<name>.log (the tail alone is kept otherwise).
  const logDir = process.env.BENCH_APP_LOGS;
  const log = logDir ? createWriteStream(join(logDir, `${name}.log`), { flags: 'a' }) : undefined;
  for (const stream of [child.process.stdout, child.process.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log?.write(chunk);
      child.tail.push(...chunk.toString().split('\n').filter(Boolean));
      if (child.tail.length > 40) child.tail.splice(0, child.tail.length - 40);
    });
  }
  child.process.on('exit', (code, signal) => {
    if (!stopping && !child.expectedExit)
      console.error(
        `[bench] ${name} exited early (${signal ?? code}):\n  ${child.tail.slice(-15).join('\n  ')}`,
      );
  });
  children.push(child);
  return child;
}

export function pidOf(child: Child): number {
  if (child.process.pid === undefined) throw new Error(`${child.name} has no pid`);
  return child.process.pid;
}

/** SIGTERM every child, SIGKILL after 8 s. */
export async function stopAll(): Promise<void> {
  stopping = true;
  // Apps first, Redis last, so no app logs a lost connection while shutting down.
  await stopGroup(children.filter((child) => child.name !== 'redis'));
  await stopGroup(children.filter((child) => child.name === 'redis'));
}

async function stopGroup(group: Child[]): Promise<void> {
  const alive = group.filter(
    (child) => child.process.exitCode === null && child.process.signalCode === null,
  );
  for (const child of alive) child.process.kill('SIGTERM');
  const killer = setTimeout(() => alive.forEach((child) => child.process.kill('SIGKILL')), 8_000);
  await Promise.all(
    alive.map((child) => new Promise((resolve) => child.process.once('exit', resolve))),
  );
  clearTimeout(killer);
}

/** Stops one child (SIGTERM) and waits for it to exit. */
export async function stopChild(child: Child): Promise<void> {
  child.expectedExit = true;
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

/** Runs a node script to completion with the given env; throws with its output on failure. */
export function runNode(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** utime + stime of a process, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14 → index 11, stime index 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/**
 * Waits until the processes together use less than `share` of a core over a second (start-up
 * work, a warm-up's aftermath or a seed's background flushing would otherwise be measured), for
 * at most `maxMs`. Returns how long it waited.
 */
export async function waitUntilIdle(pids: number[], share = 0.05, maxMs = 60_000): Promise<number> {
  const windowMs = 1000;
  const started = Date.now();
  const total = (): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
  let before = total();
  while (Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = total();
    if (after - before < share * windowMs * 1000) break;
    before = after;
  }
  return Date.now() - started;
}

/** The pid of the local MariaDB server, when it runs here (its background work counts too). */
export function mariadbPid(): number | undefined {
  const found = spawnSync('pidof', ['mariadbd'], { encoding: 'utf8' })
    .stdout.trim()
    .split(/\s+/)[0];
  return found ? Number(found) : undefined;
}

const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

/** The most the process has held in RAM since it started (`VmHWM`). */
export function peakRssMiB(pid: number): number {
  return statusMiB(pid, 'VmHWM');
}

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}
