import { eventually, type RedisServer, startRedisServer } from '@app/testing';

import { closeRedisClient, createRedisClient, REDIS_QUIT_TIMEOUT_MS } from './redis-roles';

const timers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis clients closed while Redis is down', () => {
  let server: RedisServer;

  beforeEach(async () => {
    server = await startRedisServer({ appendOnly: false });
  });

  afterEach(async () => {
    await server?.remove();
  });

  const connectedClient = async () => {
    // Commands go out (or wait) in the order they are called, none held for a pipeline.
    const client = createRedisClient(`${server.url}/0`, 'closing:', {
      enableAutoPipelining: false,
    });
    client.on('error', () => undefined);
    await client.ping();
    return client;
  };

  it('leave no timer behind once disconnected between reconnection attempts', async () => {
    const client = await connectedClient();
    await server.crash();
    await eventually(
      () => client.status,
      (status) => status === 'reconnecting',
      'a reconnection attempt refused',
    );
    const before = timers();
    client.disconnect();
    await sleep(300);
    // The reconnection timer is gone, and no other holds a stopping process.
    expect(timers()).toBe(before - 1);
  });

  it('stop reconnecting once closed, when Redis refused their QUIT', async () => {
    const client = await connectedClient();
    await server.crash();
    // A command waiting for Redis puts QUIT behind it, and both fail after two attempts.
    const pending = client.get('key').catch(() => 'failed');
    await closeRedisClient(client);
    expect(await pending).toBe('failed');
    let attempts = 0;
    client.on('reconnecting', () => attempts++);
    await sleep(1_500);
    expect(attempts).toBe(0);
  });

  it('close within REDIS_QUIT_TIMEOUT_MS when Redis stopped answering', async () => {
    const client = await connectedClient();
    server.freeze();
    const started = Date.now();
    await closeRedisClient(client);
    expect(Date.now() - started).toBeLessThan(REDIS_QUIT_TIMEOUT_MS + 500);
    await eventually(
      () => client.status,
      (status) => status === 'end',
      'the connection dropped',
    );
  });
});
