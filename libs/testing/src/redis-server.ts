import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Redis from 'ioredis';

import { freePort } from './free-port';
import { restartableProcess } from './restartable-process';

export interface RedisServerOptions {
  /**
   * Keeps an append-only file, as the deployed state role does: what a write was acknowledged
   * for survives a crash of the process. Without it a restart starts empty, as the cache role does.
   * The file is written before each answer (`appendfsync always`): with Redis' default (everysec)
   * a write waits up to 2 s while the disk is slow to sync the one before, its answer sent
   * meanwhile, so a crash on a loaded machine can lose writes already answered (worker-shutdown's
   * job, read active before the crash, came back waiting).
   */
  appendOnly: boolean;
}

/** A redis-server of a test's own, for what the shared one must not suffer (a crash, a restart). */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, without a db. */
  url: string;
  /** Kills the process without letting it save or close its clients' connections (SIGKILL). */
  crash(): Promise<void>;
  /**
   * Freezes the process (SIGSTOP): connections stay open and nothing is answered, as from a Redis
   * that hangs or behind a network that drops its packets, until `thaw`.
   */
  freeze(): void;
  thaw(): void;
  /** Starts it again on the same port and data folder; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it for good and deletes its data folder. */
  remove(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tt-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--databases',
    '4',
  ];
  const daemon = restartableProcess(`redis-server on ${port}`, 'redis-server', args, (child) =>
    untilAnswering(url, child),
  );

  const server: RedisServer = {
    url,
    crash: () => daemon.stop('SIGKILL'),
    freeze: () => daemon.signal('SIGSTOP'),
    thaw: () => daemon.signal('SIGCONT'),
    start: () => daemon.start(),
    remove: async () => {
      await daemon.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function untilAnswering(url: string, process: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (process.exitCode !== null)
      throw new Error(`redis-server for ${url} exited with ${process.exitCode}`);
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await probe.connect();
      // LOADING (an append-only file being read back) is an error reply: not ready yet.
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`redis-server for ${url} did not answer within ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      // disconnect() arms a 2 s timer that only the socket's close clears: on a refused
      // connection the socket is already closed, and the timer would hold the process open.
      if (probe.status !== 'end') probe.disconnect();
    }
  }
}
