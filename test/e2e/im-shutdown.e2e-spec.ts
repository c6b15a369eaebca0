import { JwtKeySet } from '@app/auth';
import { REDIS_DISCONNECT_TIMEOUT_MS, REDIS_QUIT_TIMEOUT_MS } from '@app/cache';
import {
  createTestRedis,
  eventually,
  type RedisServer,
  startRedisServer,
  type TestRedis,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';

import { startIm as startImApp } from './support/im-app';

/** Jest fails the running test on a rejection nobody handles, reported on the next turns of the event loop. */
const REJECTIONS_REPORTED_MS = 100;
/**
 * How long a close may take: it waits for nothing Redis must answer, but for the QUITs of im's
 * connections (two rounds: the adapter's publisher, then the cache and state clients), each given
 * up after REDIS_QUIT_TIMEOUT_MS.
 */
const CLOSED_WITHIN_MS = 2 * REDIS_QUIT_TIMEOUT_MS + 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves to how long `close` took, failing if it has not returned within CLOSED_WITHIN_MS. */
async function timedClose(app: NestFastifyApplication): Promise<number> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.close(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('im did not close')), CLOSED_WITHIN_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - started;
}

/**
 * im on a redis-server of the test's own (state and cache roles), stopped with its Socket.IO
 * adapter's SUBSCRIBEs or UNSUBSCRIBEs unanswered: closing the subscriber connection rejects
 * them, which must not be left unhandled (it would end the process).
 */
describe('im started and stopped around a Redis outage (e2e)', () => {
  let server: RedisServer;
  let redis: TestRedis;

  beforeEach(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = createTestRedis({ cache: server.url, state: server.url });
  });

  afterEach(async () => {
    await server?.remove();
  });

  const startIm = async (): Promise<NestFastifyApplication> =>
    (
      await startImApp(
        redis,
        { keySet: JwtKeySet.generate('im-shutdown') },
        { LOG_LEVEL: 'silent' },
      )
    ).app;

  /** The connections subscribed to the adapter's request channel (1 once im's adapter is). */
  const adapterSubscribers = async (): Promise<number> => {
    const probe = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const reply = await probe.call('PUBSUB', 'NUMSUB', `${redis.prefix}socket.io-request#/#`);
      return Array.isArray(reply) ? Number(reply[1]) : 0;
    } catch {
      return -1;
    } finally {
      probe.disconnect();
    }
  };

  it('closes at once when stopped the moment it started, before Redis answered its subscriptions', async () => {
    const im = await startIm();
    await timedClose(im);
    await sleep(REJECTIONS_REPORTED_MS);
  });

  it('closes at once when Redis went down after im subscribed', async () => {
    const im = await startIm();
    await eventually(adapterSubscribers, (count) => count === 1, "the adapter's subscription");
    await server.crash();
    // Past the first reconnection attempts: im is waiting for Redis.
    await sleep(300);
    await timedClose(im);
    await sleep(REJECTIONS_REPORTED_MS);
  });

  it('closes, giving up on its QUITs, when Redis stopped answering after im subscribed', async () => {
    const im = await startIm();
    await eventually(adapterSubscribers, (count) => count === 1, "the adapter's subscription");
    server.freeze();
    await timedClose(im);
    // The connections' sockets are destroyed REDIS_DISCONNECT_TIMEOUT_MS after they were ended.
    await sleep(REDIS_DISCONNECT_TIMEOUT_MS + REJECTIONS_REPORTED_MS);
  });

  it('started while Redis is down, subscribes once it is back, and closes', async () => {
    await server.crash();
    const im = await startIm();
    await server.start();
    await eventually(adapterSubscribers, (count) => count === 1, "the adapter's subscription");
    await timedClose(im);
    await sleep(REJECTIONS_REPORTED_MS);
  });
});
