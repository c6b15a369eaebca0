import { eventually, type RedisServer, startRedisServer } from '@app/testing';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { closeRedisClient, createRedisClient } from './redis-roles';

describe('a Redis client losing its server', () => {
  let server: RedisServer;
  let client: Redis | undefined;

  beforeEach(async () => {
    server = await startRedisServer({ appendOnly: false });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    if (client) await closeRedisClient(client);
    await server?.remove();
  });

  it('logs the outage once and its end once, and prints nothing to stderr itself', async () => {
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    client = createRedisClient(`${server.url}/3`, 'outage:');
    await client.ping();

    await server.crash();
    let attempts = 0;
    client.on('reconnecting', () => attempts++);
    await eventually(
      () => attempts,
      (count) => count >= 4,
      'four reconnection attempts',
    );
    expect(warn.mock.calls).toEqual([
      [
        expect.stringMatching(
          new RegExp(`^redis ${server.url.slice('redis://'.length)}/3 unreachable, reconnecting: `),
        ),
      ],
    ]);

    await server.start();
    await eventually(
      () => client?.status,
      (status) => status === 'ready',
      'the client to reconnect',
    );
    expect(await client.ping()).toBe('PONG');
    expect(log.mock.calls).toEqual([
      [`redis ${server.url.slice('redis://'.length)}/3 reachable again`],
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(stderr.mock.calls.filter((args) => String(args[0]).includes('[ioredis]'))).toEqual([]);
  });
});
