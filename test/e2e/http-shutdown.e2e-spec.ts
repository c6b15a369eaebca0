import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  eventually,
  freePort,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
} from '@app/testing';

import { MIS_SCHEMA } from '../../apps/mis/src/database/mis-schema';
import { type AppProcess, type ProcessExit, spawnApp } from './support/app-process';
import { holdMigrationLock, tablesOf, waitingForMigrationLock } from './support/migration-lock';

const BOOT_MS = 90_000;
/** HTTP_SHUTDOWN_DRAIN_MS of the app stopped with a request that never ends. */
const DRAIN_MS = 2_000;
/** Room past the drain deadline for the shutdown hooks on a loaded machine. */
const HOOKS_MARGIN_MS = 30_000;

/** How `app` ended, or 'still running' `withinMs` later. */
const exitWithin = async (
  app: AppProcess,
  withinMs: number,
): Promise<ProcessExit | 'still running'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>(
    (resolve) => (timer = setTimeout(() => resolve('still running'), withinMs)),
  );
  try {
    return await Promise.race([app.exited, late]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Starts a request whose body never comes: `Expect: 100-continue` makes the server say when it has
 * the request in progress. Resolves once it said so, with the socket and when the server closed it.
 */
const requestWithoutItsBody = async (
  port: number,
  path: string,
): Promise<{ socket: Socket; closed: Promise<void> }> => {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let received = '';
  const continued = new Promise<void>((resolve) =>
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('100 Continue')) resolve();
    }),
  );
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
  );
  await continued;
  socket.write('{"slow":');
  return { socket, closed };
};

/**
 * HTTP apps (mis, built by createHttpApp as gateway and media-platform are, and im) stopped as
 * Kubernetes stops a pod while a request is in progress that never ends, a client sending its body
 * slower than ever: the app cuts it at HTTP_SHUTDOWN_DRAIN_MS, runs its shutdown hooks and ends by
 * the signal, before the pod's grace period would have it killed.
 */
describe('HTTP apps stopped by a signal (e2e, each in a process of its own)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  const stopLater: Array<() => void> = [];

  beforeAll(async () => {
    database = await createTestDatabase([MIS_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
  });

  afterEach(() => {
    for (const stop of stopLater.splice(0)) stop();
  });

  afterAll(async () => {
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  /** Spawns `main` with `settings` and waits until its /health/live on `port` answers 200. */
  const startLive = async (
    main: string,
    port: number,
    settings: Record<string, string | number>,
  ) => {
    const app = spawnApp(
      main,
      testEnv(database.settings, redis, { HTTP_HOST: '127.0.0.1', ...settings }),
    );
    stopLater.push(() => {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    });
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/health/live`).then(
          (response) => response.status,
          () => 0,
        ),
      (status) => status === 200,
      `${main} live`,
      BOOT_MS,
      200,
    );
    return app;
  };

  it('mis, sent SIGTERM with a request whose body never comes: cuts it at HTTP_SHUTDOWN_DRAIN_MS, then runs its shutdown hooks and ends by the signal', async () => {
    const port = await freePort();
    const mis = await startLive('apps/mis/src/main.ts', port, {
      MIS_PORT: port,
      HTTP_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const request = await requestWithoutItsBody(port, '/mis/v1_0/uploads');
    stopLater.push(() => request.socket.destroy());

    mis.child.kill('SIGTERM');
    // It raises the signal again only once Nest's shutdown hooks (the MySQL pool, Redis) returned.
    expect(await exitWithin(mis, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    await request.closed;
  }, 180_000);

  /** mis booting with MIGRATIONS_RUN on a database of its own, its migrations waiting for a lock another session holds. */
  const misWaitingForMigrations = async () => {
    const fresh = await createTestDatabase([]);
    const name = fresh.settings.MYSQL_DATABASE;
    const lock = await holdMigrationLock(name);
    const port = await freePort();
    const mis = spawnApp(
      'apps/mis/src/main.ts',
      testEnv(fresh.settings, redis, {
        HTTP_HOST: '127.0.0.1',
        MIS_PORT: String(port),
        MIGRATIONS_RUN: 'true',
        HTTP_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      }),
    );
    stopLater.push(() => {
      if (mis.child.exitCode === null && mis.child.signalCode === null) mis.child.kill('SIGKILL');
      void lock.release().catch(() => undefined);
      void fresh.drop();
    });
    await eventually(
      () => waitingForMigrationLock(fresh.settings),
      Boolean,
      'mis waiting for the migration lock',
      BOOT_MS,
      200,
    );
    const tables = () => tablesOf(fresh.settings);
    return { mis, releaseLock: lock.release, tables };
  };

  it('mis, sent SIGTERM while its migrations wait for the migration lock: runs them once it has the lock, then stops through its shutdown hooks and ends by the signal', async () => {
    const { mis, releaseLock, tables } = await misWaitingForMigrations();

    mis.child.kill('SIGTERM');
    await releaseLock();
    expect(await mis.exited).toEqual({ code: null, signal: 'SIGTERM' });
    // Where the signal ended it at once, mid-start, its migrations never ran.
    expect(await tables()).toContain('migrations_mis');
  }, 180_000);

  it('mis, sent SIGTERM while its migrations wait for a lock that is never released: exits 143, as SIGTERM would have, once HTTP_SHUTDOWN_DRAIN_MS passed', async () => {
    const { mis, tables } = await misWaitingForMigrations();

    mis.child.kill('SIGTERM');
    // 128 + 15, what a shell or an init reports for a process SIGTERM ended.
    expect(await exitWithin(mis, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({ code: 143, signal: null });
    expect(await tables()).not.toContain('migrations_mis');
  }, 180_000);

  it('im, sent SIGTERM with a request whose body never comes: cuts it at HTTP_SHUTDOWN_DRAIN_MS, then runs its shutdown hooks and ends by the signal', async () => {
    const port = await freePort();
    const im = await startLive('apps/im/src/main.ts', port, {
      IM_PORT: port,
      JWT_KEYS_DIR: keys.dir,
      HTTP_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const request = await requestWithoutItsBody(port, '/uploads');
    stopLater.push(() => request.socket.destroy());

    im.child.kill('SIGTERM');
    expect(await exitWithin(im, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    await request.closed;
  }, 180_000);

  /**
   * im booting with JWT_KEYS_DIR holding its public key as a named pipe: reading it, im's start
   * waits until the test writes the key. Resolves once im opened the pipe, with the key's writer.
   */
  const imWaitingForItsKey = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-keys-fifo-'));
    const keyFile = `${keys.kid}.public.pem`;
    execFileSync('mkfifo', [join(dir, keyFile)]);
    const im = spawnApp(
      'apps/im/src/main.ts',
      testEnv(database.settings, redis, {
        HTTP_HOST: '127.0.0.1',
        IM_PORT: String(await freePort()),
        JWT_KEYS_DIR: dir,
        LOG_LEVEL: 'info',
        HTTP_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      }),
      true,
    );
    stopLater.push(() => {
      if (im.child.exitCode === null && im.child.signalCode === null) im.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    // Opening a pipe to write waits for its reader.
    const pipe = await Promise.race([
      open(join(dir, keyFile), 'w'),
      im.exited.then((exit) =>
        Promise.reject(new Error(`im ended before reading its key: ${JSON.stringify(exit)}`)),
      ),
    ]);
    stopLater.push(() => void pipe.close().catch(() => undefined));
    const writeKey = async () => {
      await pipe.writeFile(readFileSync(join(keys.dir, keyFile)));
      await pipe.close();
    };
    return { im, writeKey };
  };

  it('im, sent SIGTERM while it starts (reading its key): lets the start end, then stops through its shutdown hooks and ends by the signal', async () => {
    const { im, writeKey } = await imWaitingForItsKey();

    im.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Still starting: where the signal ended it at once, mid-start, no hook run.
    expect({ code: im.child.exitCode, signal: im.child.signalCode }).toEqual({
      code: null,
      signal: null,
    });
    await writeKey();
    // Nest raises the signal again once its shutdown hooks returned.
    expect(await exitWithin(im, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    expect(im.output()).toContain('Nest application successfully started');
  }, 180_000);
});
