import { createServer } from 'node:net';

import { createConnection } from 'mysql2/promise';

import { type MariaDbServer, startMariaDbServer } from './mariadb-server';
import { createTestDatabase, withTestConnection } from './test-database';

describe('startMariaDbServer', () => {
  const servers: MariaDbServer[] = [];

  afterAll(async () => {
    for (const server of servers) await server.remove();
  });

  it('starts, keeps a committed row through a crash, and answers again after a start', async () => {
    const server = await startMariaDbServer();
    servers.push(server);
    expect(server.address).toMatchObject({
      MYSQL_HOST: '127.0.0.1',
      MYSQL_USER: 'root',
      MYSQL_PASSWORD: '',
    });
    const database = await createTestDatabase([], server.address);
    await withTestConnection(database.settings, async (query) => {
      await query('CREATE TABLE kept (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB');
      await query("INSERT INTO kept VALUES (1, '汉字')");
    });

    await server.crash();
    await expect(
      createConnection({ host: '127.0.0.1', port: server.address.MYSQL_PORT, user: 'root' }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await server.start();

    expect(
      await withTestConnection(database.settings, (query) => query('SELECT id, name FROM kept')),
    ).toEqual([{ id: 1, name: '汉字' }]);
    await database.drop();
  });

  it('starts again after a start that failed (its port taken meanwhile)', async () => {
    const server = await startMariaDbServer();
    servers.push(server);
    await server.crash();
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) =>
      squatter.listen(server.address.MYSQL_PORT, '127.0.0.1', resolve),
    );
    try {
      await expect(server.start()).rejects.toThrow(/exited/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    await server.start();
    const connection = await createConnection({
      host: '127.0.0.1',
      port: server.address.MYSQL_PORT,
      user: 'root',
    });
    try {
      const [rows] = await connection.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await connection.end();
    }
  });

  it('refuses a second start while running', async () => {
    const server = await startMariaDbServer();
    servers.push(server);
    await expect(server.start()).rejects.toThrow('already running');
  });
});
