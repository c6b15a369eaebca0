import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { mysqlConnectionOptions } from '@app/database';
import { createConnection } from 'mysql2/promise';

import { freePort } from './free-port';
import { restartableProcess } from './restartable-process';
import type { TestMysqlServer } from './test-database';

/** A MariaDB server of a test's own, for what the shared one must not suffer (a crash, a restart). */
export interface MariaDbServer {
  /** 127.0.0.1, its port, root with an empty password: for `createTestDatabase`. */
  address: TestMysqlServer;
  /** Kills the process without letting it flush or close its clients' connections (SIGKILL). */
  crash(): Promise<void>;
  /** Starts it again on the same port and data folder; resolves once it answers a query. */
  start(): Promise<void>;
  /** Stops it for good and deletes its data folder. */
  remove(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = 'mariadb-install-db';
/** InnoDB's crash recovery of a small test database takes well under a second. */
const READY_TIMEOUT_MS = 20_000;

/**
 * A fresh data folder under the OS temp dir with only the system tables (no test database),
 * and `root` signing in with an empty password over TCP.
 */
async function installDataFolder(dataDir: string, user: string): Promise<void> {
  await promisify(execFile)(INSTALL_DB, [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--user=${user}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    // Grants only for 127.0.0.1, ::1 and localhost: a grant for the host name is ignored with a warning.
    '--skip-name-resolve',
  ]);
}

export interface MariaDbServerOptions {
  /** More `mariadbd` options, after the ones every test server gets (say `--default-time-zone=+08:00`). */
  args?: readonly string[];
}

export async function startMariaDbServer(
  options: MariaDbServerOptions = {},
): Promise<MariaDbServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tt-mariadb-'));
  const dataDir = join(dir, 'data');
  const user = userInfo().username;
  await installDataFolder(dataDir, user).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const address: TestMysqlServer = {
    MYSQL_HOST: '127.0.0.1',
    MYSQL_PORT: port,
    MYSQL_USER: 'root',
    MYSQL_PASSWORD: '',
  };
  // The settings of the shared server the apps are written for (utf8mb4), and a small buffer pool.
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--user=${user}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'mariadbd.sock')}`,
    `--pid-file=${join(dir, 'mariadbd.pid')}`,
    `--log-error=${join(dir, 'mariadbd.err')}`,
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    '--innodb-buffer-pool-size=32M',
    ...(options.args ?? []),
  ];
  const daemon = restartableProcess(`mariadbd on ${port}`, MARIADBD, args, (child) =>
    untilAnswering(address, child),
  );

  const server: MariaDbServer = {
    address,
    crash: () => daemon.stop('SIGKILL'),
    start: () => daemon.start(),
    remove: async () => {
      await daemon.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  return server;
}

async function untilAnswering(address: TestMysqlServer, process: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (process.exitCode !== null || process.signalCode !== null)
      throw new Error(
        `mariadbd on ${address.MYSQL_PORT} exited with ${process.exitCode ?? process.signalCode}`,
      );
    try {
      const probe = await createConnection(mysqlConnectionOptions(address));
      try {
        await probe.query('SELECT 1');
        return;
      } finally {
        await probe.end();
      }
    } catch {
      if (Date.now() > deadline)
        throw new Error(
          `mariadbd on ${address.MYSQL_PORT} did not answer within ${READY_TIMEOUT_MS} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
