import { eventually, type RedisServer, startRedisServer } from '@app/testing';
import { Logger } from '@nestjs/common';

import { QueueHealth, queueHealthClient } from './queue.health';

/** The queue role's readiness probe on a Redis server of its own, which hangs, stops and starts again. */
describe('QueueHealth (a queue Redis of its own)', () => {
  let server: RedisServer;
  let health: QueueHealth | undefined;

  beforeEach(async () => {
    server = await startRedisServer({ appendOnly: false });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    server?.thaw();
    await health?.onApplicationShutdown();
    health = undefined;
    await server?.remove();
  });

  it('answers not ready within its timeout while the queue Redis hangs, and ready once it answers again', async () => {
    health = new QueueHealth(queueHealthClient(server.url));
    expect(await health.isReady()).toBe(true);
    server.freeze();
    try {
      expect(await health.isReady(200)).toBe(false);
      expect(await health.isReady(200)).toBe(false);
    } finally {
      server.thaw();
    }
    expect(await health.isReady()).toBe(true);
  });

  it('logs a queue Redis outage once and its end once, and prints nothing to stderr itself', async () => {
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const client = queueHealthClient(`${server.url}/2`);
    health = new QueueHealth(client);
    expect(await health.isReady()).toBe(true);

    await server.crash();
    let attempts = 0;
    client.on('reconnecting', () => attempts++);
    await eventually(
      () => attempts,
      (count) => count >= 3,
      'three reconnection attempts',
    );
    expect(await health.isReady()).toBe(false);
    await server.start();
    await eventually(
      () => health?.isReady(),
      (ready) => ready === true,
      'the probe to answer again',
    );

    const address = server.url.slice('redis://'.length);
    expect(stderr.mock.calls.filter((args) => String(args[0]).includes('[ioredis]'))).toEqual([]);
    expect(warn.mock.calls).toEqual([
      [expect.stringMatching(new RegExp(`^redis ${address}/2 unreachable, reconnecting: `))],
    ]);
    expect(log.mock.calls).toEqual([[`redis ${address}/2 reachable again`]]);
  });
});
