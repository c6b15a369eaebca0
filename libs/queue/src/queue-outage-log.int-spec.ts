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
