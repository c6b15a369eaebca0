// `npm run bench:im [-- --connections 10000 --steps 4]`: what the im app's open sockets cost it,
// against Socket.IO alone. Both servers run in turn in one run, with the im app's V8 flags: the
// reference (bench/socketio-baseline-server.ts: the same Redis adapter and ping timeout, no Nest,
// no token check) and the im app. For each, signed-in readers connect over WebSocket in steps;
// after each step the server collects garbage and reports its heap and RSS (bench/heap-probe.ts).
// Then every reader is sent one notification through the Redis emitter, as the other services
// send them. The servers and the private Redis run on CPU 0, the clients on the last CPU.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureDevelopmentKeys, JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import { errorMessage } from '@app/config';
import { freePort } from '@app/testing';
import { Emitter } from '@socket.io/redis-emitter';
import { io, type Socket } from 'socket.io-client';

import { HEAP_REPORT_MARK, type HeapReport } from './heap-probe';
import {
  type Child,
  cpuMicros,
  pidOf,
  ROOT,
  startChild,
  stopAll,
  stopChild,
  waitForPort,
} from './processes';
import { appNodeFlags, oldSpaceCapMiB, pinning, startRedis } from './suite';

const KEY_PREFIX = 'bench:';
const KID = 'bench-1';
const CONNECTS_IN_FLIGHT = 64;
const FIRST_USER_ID = 1_294_287_382_374_383_616n;
const NOTIFICATION = {
  user_id: '1',
  user_name: 'bench',
  user_photo: '',
  timestamp: '2026-12-05T00:00:00',
};

type ServerName = 'socket.io' | 'im';

interface Step {
  connections: number;
  heapMiB: number;
  rssMiB: number;
  /** CPU the server spent letting this step's sockets in, per socket. */
  connectCpuMicros: number;
}

interface ServerRun {
  server: ServerName;
  steps: Step[];
  /** Heap per open socket: (heap at the last step - heap with none) / sockets. */
  heapKiBPerSocket: number;
  rssKiBPerSocket: number;
  notifyCpuMicros: number;
  notifyMs: number;
}

const MiB = 1024 * 1024;
const log = (line: string): void => console.log(`[bench:im] ${line}`);

function options(): { connections: number; steps: number; pin: boolean } {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '10000' },
      steps: { type: 'string', default: '4' },
      'no-pin': { type: 'boolean', default: false },
    },
  });
  const connections = Number(values.connections);
  const steps = Number(values.steps);
  if (!Number.isInteger(connections) || connections < 1 || !Number.isInteger(steps) || steps < 1)
    throw new Error('--connections and --steps take positive integers');
  return { connections, steps, pin: !values['no-pin'] };
}

/** Asks the server for a heap report (SIGWINCH, bench/heap-probe.ts) and waits for its line. */
function heapReport(child: Child): Promise<HeapReport> {
  const stdout = child.process.stdout;
  if (!stdout) throw new Error(`${child.name} has no stdout`);
  return new Promise((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(
      () => (stdout.off('data', onData), reject(new Error(`${child.name}: no heap report`))),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString();
      const line = pending.split('\n').find((candidate) => candidate.startsWith(HEAP_REPORT_MARK));
      if (!line) return;
      clearTimeout(timer);
      stdout.off('data', onData);
      resolve(JSON.parse(line.slice(HEAP_REPORT_MARK.length)) as HeapReport);
    };
    stdout.on('data', onData);
    child.process.kill('SIGWINCH');
  });
}

function connect(port: number, query: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      query,
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

async function connectAll(
  port: number,
  queries: Array<Record<string, string>>,
  into: Socket[],
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTS_IN_FLIGHT }, async () => {
      while (next < queries.length) into.push(await connect(port, queries[next++]));
    }),
  );
}

/** Sends one notification to each reader's room and resolves when every socket has it. */
async function notifyEach(emitter: Emitter, userIds: string[], sockets: Socket[]): Promise<void> {
  let received = 0;
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${received} of ${sockets.length} notifications arrived`)),
      60_000,
    );
    for (const socket of sockets) {
      socket.once('following notify', () => {
        if (++received < sockets.length) return;
        clearTimeout(timer);
        resolve();
      });
    }
  });
  for (const userId of userIds) emitter.to(userId).emit('following notify', NOTIFICATION);
  await all;
}

async function waitReady(port: number, child: Child): Promise<void> {
  await waitForPort(port, 60_000);
  if (child.process.exitCode !== null)
    throw new Error(`${child.name} exited:\n${child.tail.join('\n')}`);
}

async function measure(
  server: ServerName,
  env: NodeJS.ProcessEnv,
  serversCpu: string | undefined,
  queries: Array<Record<string, string>>,
  userIds: string[],
  steps: number,
  emitter: Emitter,
): Promise<ServerRun> {
  const port = Number(env.IM_PORT);
  const script =
    server === 'im' ? 'dist/apps/im/src/main.js' : 'dist/bench/socketio-baseline-server.js';
  const args = [
    ...appNodeFlags('im'),
    '--expose-gc',
    '-r',
    './scripts/register-aliases.js',
    '-r',
    './dist/bench/heap-probe.js',
    script,
  ];
  const child = startChild(server, process.execPath, args, env, serversCpu);
  const sockets: Socket[] = [];
  try {
    await waitReady(port, child);
    const pid = pidOf(child);
    const empty = await heapReport(child);
    const recorded: Step[] = [
      {
        connections: 0,
        heapMiB: empty.heapUsed / MiB,
        rssMiB: empty.rss / MiB,
        connectCpuMicros: 0,
      },
    ];
    for (let step = 1; step <= steps; step++) {
      const upTo = Math.round((queries.length * step) / steps);
      const before = cpuMicros(pid);
      const added = upTo - sockets.length;
      await connectAll(port, queries.slice(sockets.length, upTo), sockets);
      const connectCpuMicros = (cpuMicros(pid) - before) / added;
      const report = await heapReport(child);
      recorded.push({
        connections: upTo,
        heapMiB: report.heapUsed / MiB,
        rssMiB: report.rss / MiB,
        connectCpuMicros,
      });
      log(
        `${server}: ${upTo} sockets, heap ${(report.heapUsed / MiB).toFixed(1)} MiB, RSS ${(report.rss / MiB).toFixed(1)} MiB, ${connectCpuMicros.toFixed(0)} µs of CPU per socket let in`,
      );
    }
    const before = cpuMicros(pid);
    const started = process.hrtime.bigint();
    await notifyEach(emitter, userIds, sockets);
    const notifyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const notifyCpuMicros = (cpuMicros(pid) - before) / sockets.length;
    log(
      `${server}: ${sockets.length} notifications, one per reader, delivered in ${notifyMs.toFixed(0)} ms, ${notifyCpuMicros.toFixed(1)} µs of CPU each`,
    );
    const last = recorded[recorded.length - 1];
    return {
      server,
      steps: recorded,
      heapKiBPerSocket: ((last.heapMiB - recorded[0].heapMiB) * 1024) / last.connections,
      rssKiBPerSocket: ((last.rssMiB - recorded[0].rssMiB) * 1024) / last.connections,
      notifyCpuMicros,
      notifyMs,
    };
  } catch (error) {
    throw new Error(`${server}: ${errorMessage(error)}\n${child.tail.slice(-15).join('\n')}`, {
      cause: error,
    });
  } finally {
    for (const socket of sockets) socket.disconnect();
    await stopChild(child);
  }
}

function markdown(runs: ServerRun[], capMiB: number): string {
  const [reference, im] = runs;
  const lines = [
    '| server | sockets | heap MiB | RSS MiB | CPU µs per socket let in |',
    '|---|---|---|---|---|',
    ...runs.flatMap((run) =>
      run.steps.map(
        (step) =>
          `| ${run.server} | ${step.connections} | ${step.heapMiB.toFixed(1)} | ${step.rssMiB.toFixed(1)} | ${step.connections ? step.connectCpuMicros.toFixed(0) : '—'} |`,
      ),
    ),
    '',
    '| server | heap KiB per socket | RSS KiB per socket | notification CPU µs | all notified in ms |',
    '|---|---|---|---|---|',
    ...runs.map(
      (run) =>
        `| ${run.server} | ${run.heapKiBPerSocket.toFixed(2)} | ${run.rssKiBPerSocket.toFixed(2)} | ${run.notifyCpuMicros.toFixed(1)} | ${run.notifyMs.toFixed(0)} |`,
    ),
    '',
    `im ÷ Socket.IO: heap per socket ${(im.heapKiBPerSocket / reference.heapKiBPerSocket).toFixed(2)}, ` +
      `CPU per socket let in ${(im.steps[im.steps.length - 1].connectCpuMicros / reference.steps[reference.steps.length - 1].connectCpuMicros).toFixed(2)}, ` +
      `CPU per notification ${(im.notifyCpuMicros / reference.notifyCpuMicros).toFixed(2)}`,
    `sockets one im replica holds under its ${capMiB} MiB old-generation cap at this rate: ` +
      `${Math.floor(((capMiB - im.steps[0].heapMiB) * 1024) / im.heapKiBPerSocket)}`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { connections, steps, pin } = options();
  const cpu = pinning(cpus().length, pin);
  const redisPort = await freePort();
  const imPort = await freePort();
  const keysDir = mkdtempSync(join(tmpdir(), 'tt-bench-im-keys-'));
  ensureDevelopmentKeys(keysDir, KID);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_CACHE_URL: `${redisUrl}/0`,
    REDIS_STATE_URL: `${redisUrl}/1`,
    REDIS_QUEUE_URL: `${redisUrl}/2`,
    REDIS_KEY_PREFIX: KEY_PREFIX,
    JWT_KEYS_DIR: keysDir,
    JWT_SIGNING_KID: KID,
    HTTP_HOST: '127.0.0.1',
    IM_PORT: String(imPort),
    // Every reader connects from this machine's address.
    IM_MAX_CONNECTIONS_PER_IP: '0',
  };
  // The clients run here: on the last CPU, away from the servers (every thread: -a).
  if (cpu.load)
    spawnSync('taskset', ['-a', '-p', '-c', cpu.load, String(process.pid)], { stdio: 'ignore' });
  let state: ReturnType<typeof createRedisClient> | undefined;
  try {
    startRedis(redisPort, cpu);
    await waitForPort(redisPort);
    state = createRedisClient(`${redisUrl}/1`, KEY_PREFIX);
    log(
      `${connections} signed-in readers in ${steps} steps; ${cpu.servers ? `servers on CPU ${cpu.servers}, clients on CPU ${cpu.load}` : 'no pinning'}`,
    );
    const sessions = new SessionStore(state, 6 * 3600);
    const signer = new TokenSigner(JwtKeySet.fromDirectory(keysDir, KID));
    const userIds = Array.from({ length: connections }, (_, i) =>
      String(FIRST_USER_ID + BigInt(i)),
    );
    const tokens = await Promise.all(
      userIds.map(async (userId) =>
        signer.signAccess(userId, (await sessions.create(userId, 'app', randomUUID())).sid),
      ),
    );
    const emitter = new Emitter(state.duplicate({ keyPrefix: '' }), {
      key: `${KEY_PREFIX}socket.io`,
    });
    // Socket.IO alone lets any `uid` in; the im app wants the reader's token.
    const handshakes: Array<[ServerName, Array<Record<string, string>>]> = [
      ['socket.io', userIds.map((uid) => ({ uid }))],
      ['im', tokens.map((token) => ({ token }))],
    ];
    const runs: ServerRun[] = [];
    for (const [server, queries] of handshakes) {
      runs.push(await measure(server, env, cpu.servers, queries, userIds, steps, emitter));
    }
    const report = markdown(runs, oldSpaceCapMiB('im'));
    console.log(`\n${report}`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `im-${stamp}.json`),
      JSON.stringify(
        { stamp, connections, steps, pinning: cpu, node: process.version, runs },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, `im-${stamp}.md`), `# im sockets, ${stamp}\n\n${report}\n`);
    log(`written bench/results/im-${stamp}.md and .json`);
  } finally {
    state?.disconnect();
    await stopAll();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
