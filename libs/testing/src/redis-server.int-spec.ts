import { createServer } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

import Redis from 'ioredis';

import { type RedisServer, startRedisServer } from './redis-server';

/**
 * What keeps this process alive (sockets, timers, child processes), by kind, sorted; copied into
 * an array of the test's own realm, which a strict comparison with one made here needs.
 */
const openResources = (): string[] => [...process.getActiveResourcesInfo()].sort();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The open resources once they have stayed the same for 100 ms (a socket being closed is gone). */
async function steadyOpenResources(): Promise<string[]> {
  let before = openResources();
  for (;;) {
    await pause(100);
    const now = openResources();
    if (isDeepStrictEqual(now, before)) return now;
    before = now;
  }
}

/** The open resources once they equal `expected`, or as they are after `withinMs`. */
async function openResourcesSettling(expected: string[], withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let now = openResources();
  while (!isDeepStrictEqual(now, expected) && Date.now() < deadline) {
    await pause(20);
    now = openResources();
  }
  return now;
}

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

  it('starts again after a start that failed (its port taken meanwhile)', async () => {
    const server = await startRedisServer({ appendOnly: false });
    servers.push(server);
    await server.crash();
    const port = Number(new URL(server.url).port);
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(server.start()).rejects.toThrow(/exited/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    await server.start();
    expect(await connect(server).ping()).toBe('PONG');
  });

  it('refuses a second start while running', async () => {
    const server = await startRedisServer({ appendOnly: false });
    servers.push(server);
    await expect(server.start()).rejects.toThrow('already running');
  });

  it('leaves nothing of its readiness probes open once a restarted server answers, where refused probes held the process for 2 s', async () => {
    const server = await startRedisServer({ appendOnly: false });
    servers.push(server);
    await server.crash();
    const whileDown = await steadyOpenResources();

    await server.start();

    // The restarted redis-server's own process is the one thing added.
    const expected = [...whileDown, 'ProcessWrap'].sort();
    expect(await openResourcesSettling(expected, 500)).toEqual(expected);
  });
});
