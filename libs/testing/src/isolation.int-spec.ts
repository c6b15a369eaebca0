import { createConnection } from 'mysql2/promise';

import { freePort } from './free-port';
import { createTestDatabase } from './test-database';
import { createTestRedis } from './test-redis';

async function databaseExists(name: string): Promise<boolean> {
  const connection = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  try {
    const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
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

  it('finds free ports', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
