import Redis from 'ioredis';

import { type RedisServer, startRedisServer } from './redis-server';

describe('startRedisServer', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  const connect = (server: RedisServer): Redis => {
    const client = new Redis(`${server.url}/1`, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.remove();
  });

  it('keeps acknowledged writes through a crash with an append-only file, and loses them without', async () => {
    const durable = await startRedisServer({ appendOnly: true });
    const volatile = await startRedisServer({ appendOnly: false });
    servers.push(durable, volatile);
    expect(durable.url).not.toBe(volatile.url);
    await connect(durable).set('kept', 'yes');
    await connect(volatile).set('kept', 'yes');

    await Promise.all([durable.crash(), volatile.crash()]);
    await expect(
      new Redis(durable.url, { lazyConnect: true, retryStrategy: () => null }).connect(),
    ).rejects.toThrow();
    await Promise.all([durable.start(), volatile.start()]);

    expect(await connect(durable).get('kept')).toBe('yes');
    expect(await connect(volatile).get('kept')).toBeNull();
  });

  it('refuses a second start while running', async () => {
    const server = await startRedisServer({ appendOnly: false });
    servers.push(server);
    await expect(server.start()).rejects.toThrow('already running');
  });
});
