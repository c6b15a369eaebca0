import { createServer } from 'node:net';

import { createConnection } from 'mysql2/promise';

import { freePort, PORT_RANGE } from './free-port';
import { createTestDatabase, TEST_MYSQL_SERVER } from './test-database';
import { createTestRedis } from './test-redis';

async function databaseExists(name: string): Promise<boolean> {
  const {
    MYSQL_HOST: host,
    MYSQL_PORT: port,
    MYSQL_USER: user,
    MYSQL_PASSWORD: password,
  } = TEST_MYSQL_SERVER;
  const connection = await createConnection({ host, port, user, password });
  try {
    const [rows] = await connection.query(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    );
    return (rows as unknown[]).length === 1;
  } finally {
    await connection.end();
  }
}

describe('per-run isolation helpers (real MariaDB and Redis)', () => {
  it('gives every caller its own database and drops it', async () => {
    const [first, second] = await Promise.all([createTestDatabase([]), createTestDatabase([])]);
    expect(first.settings.MYSQL_DATABASE).not.toBe(second.settings.MYSQL_DATABASE);
    expect(await databaseExists(first.settings.MYSQL_DATABASE)).toBe(true);
    await Promise.all([first.drop(), second.drop()]);
    expect(await databaseExists(first.settings.MYSQL_DATABASE)).toBe(false);
  });

  it('gives every caller its own key prefix and deletes only its keys', async () => {
    const mine = createTestRedis();
    const other = createTestRedis();
    expect(mine.prefix).not.toBe(other.prefix);
    await mine.client('state').set(`${mine.prefix}k`, '1');
    await other.client('state').set(`${other.prefix}k`, '2');
    await mine.cleanup();
    expect(await other.client('state').get(`${other.prefix}k`)).toBe('2');
    const check = createTestRedis();
    expect(await check.client('state').exists(`${mine.prefix}k`)).toBe(0);
    await check.cleanup();
    await other.cleanup();
  });

  it('offers distinct ports below the ephemeral range that are free to listen on', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(PORT_RANGE.first);
      expect(port).toBeLessThanOrEqual(PORT_RANGE.last);
    }
  });

  it('skips a port that something else already listens on', async () => {
    const taken = await freePort();
    const server = createServer();
    // Already in use by something else is as good: freePort must skip it either way.
    await new Promise<void>((resolve) =>
      server.once('error', () => resolve()).listen(taken + 1, '0.0.0.0', resolve),
    );
    try {
      const next = await freePort();
      expect(next).not.toBe(taken + 1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
