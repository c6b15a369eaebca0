import { queueConnectionOptions } from '@app/cache';
import { eventually, startRedisServer, type RedisServer } from '@app/testing';
import { Worker } from 'bullmq';

import { logQueueOutages } from './queue-outage-log';
import { queuePrefix } from './queue.module';

describe('logQueueOutages (a BullMQ worker, its Redis server crashed and started again)', () => {
  let server: RedisServer;
  let worker: Worker;
  const warnings: string[] = [];
  const recoveries: string[] = [];
  let errors = 0;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    worker = new Worker('outage-log', () => Promise.resolve(), {
      connection: queueConnectionOptions(server.url),
      prefix: queuePrefix('outage-log:'),
    });
    worker.on('error', () => (errors += 1));
    logQueueOutages(
      worker,
      'worker outage-log',
      {
        warn: (message: string) => void warnings.push(message),
        log: (message: string) => void recoveries.push(message),
      },
      { blockingConnection: true },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    // Closed with its Redis up: BullMQ's close waits for ever on a Redis that is down.
    await server?.start();
    await eventually(
      () => recoveries.length,
      (count) => count === 2,
      'the worker back again',
      30_000,
    );
    await worker?.close(true);
    await server?.remove();
  });

  it('warns once per outage, however many reconnection attempts fail, and says when it is back', async () => {
    await server.crash();
    await eventually(
      () => errors,
      (count) => count >= 5,
      'five failed reconnection attempts',
      30_000,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^worker outage-log: the queue Redis is unreachable, reconnecting: /,
    );

    await server.start();
    await eventually(
      () => recoveries.length,
      (count) => count === 1,
      'the worker back on its queue Redis',
      30_000,
    );
    expect(recoveries).toEqual(['worker outage-log: the queue Redis is reachable again']);

    const before = errors;
    await server.crash();
    await eventually(
      () => errors,
      (count) => count >= before + 3,
      'the next outage’s failed attempts',
      30_000,
    );
    expect(warnings).toHaveLength(2);
  });
});

describe('logQueueOutages (a BullMQ worker whose main connection alone is reset)', () => {
  let server: RedisServer;
  let worker: Worker;
  const warnings: string[] = [];
  const recoveries: string[] = [];
  let crashed = false;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    worker = new Worker('outage-log-reset', () => Promise.resolve(), {
      connection: queueConnectionOptions(server.url),
      prefix: queuePrefix('outage-log-reset:'),
    });
    worker.on('error', () => undefined);
    logQueueOutages(
      worker,
      'worker outage-log-reset',
      {
        warn: (message: string) => void warnings.push(message),
        log: (message: string) => void recoveries.push(message),
      },
      { blockingConnection: true },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    // Closed with its Redis up: BullMQ's close waits for ever on a Redis that is down.
    if (crashed) await server.start();
    await worker?.close(true);
    await server?.remove();
  });

  it('says it is back once that connection is, and warns of the next outage, where it stayed taken for down (its blocking connection never lost) and the next outage went unlogged', async () => {
    // A reset of that socket alone (a load balancer or NAT dropping it): Redis itself stays up.
    const client = (await worker.client) as unknown as { stream: { destroy(error: Error): void } };
    client.stream.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await eventually(
      () => recoveries.length,
      (count) => count === 1,
      'the worker back after the reset',
      30_000,
    );
    expect(warnings).toEqual([
      'worker outage-log-reset: the queue Redis is unreachable, reconnecting: read ECONNRESET',
    ]);

    await server.crash();
    crashed = true;
    await eventually(
      () => warnings.length,
      (count) => count === 2,
      'the outage warned of',
      30_000,
    );
    // The first error of the crash is the open socket's reset or a refused reconnect, by timing.
    expect(warnings[1]).toMatch(
      /^worker outage-log-reset: the queue Redis is unreachable, reconnecting: .*(ECONNRESET|ECONNREFUSED)/,
    );
  });
});
