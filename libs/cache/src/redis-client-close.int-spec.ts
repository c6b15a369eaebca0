import { eventually, type RedisServer, startRedisServer } from '@app/testing';

import { createRedisClient } from './redis-roles';

const timers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRedisClient closed while Redis is down', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
  });

  afterAll(async () => {
    await server?.remove();
  });

  it('leaves no timer behind once disconnected between reconnection attempts', async () => {
    const client = createRedisClient(`${server.url}/0`, 'closing:');
    client.on('error', () => undefined);
    await client.ping();
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
});
