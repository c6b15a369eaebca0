import { createServer, type Server, type Socket, connect } from 'node:net';

import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient, createSubscriberClient } from './redis-roles';

/**
 * A TCP relay to Redis that can drop every connection, and cut the next one that sends a
 * SUBSCRIBE before Redis answers it, then stop listening for a while, so that connecting is
 * refused as with a Redis that is down.
 */
class FlakyRelay {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private port = 0;
  private cutNextSubscribe = false;
  private downMs = 0;
  /** Whether it listens again after the cut. */
  back = false;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Drops every connection now; cuts the next SUBSCRIBE, then refuses connections for `downMs`. */
  dropAllThenCutSubscribe(downMs: number): void {
    this.cutNextSubscribe = true;
    this.downMs = downMs;
    this.back = false;
    this.dropAll();
  }

  async close(): Promise<void> {
    this.dropAll();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  private dropAll(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (this.cutNextSubscribe && /subscribe/i.test(chunk.toString('latin1'))) {
        this.cutNextSubscribe = false;
        this.server.close();
        this.dropAll();
        setTimeout(() => void this.listen().then(() => (this.back = true)), this.downMs);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  }
}

const isTrue = (value: boolean) => value;
const [WAIT_MS, POLL_MS] = [10_000, 50];

describe('createSubscriberClient (real Redis, through a relay that drops connections)', () => {
  let redis: TestRedis;
  let relay: FlakyRelay;
  let publisher: Redis;
  let subscriber: Redis;

  beforeAll(async () => {
    redis = createTestRedis();
    const target = new URL(redis.cacheUrl);
    relay = new FlakyRelay({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await relay.listen();
    publisher = createRedisClient(redis.cacheUrl, redis.prefix);
    subscriber = createSubscriberClient(
      `redis://127.0.0.1:${port}${target.pathname}`,
      redis.prefix,
    );
    subscriber.on('error', () => undefined);
  });

  afterAll(async () => {
    subscriber.disconnect();
    await publisher.quit();
    await relay.close();
    await redis.cleanup();
  });

  it('is subscribed again after a reconnection whose resubscription was cut and Redis stayed unreachable for several attempts, with no rejection left unhandled', async () => {
    const channel = `${redis.prefix}invalidate`;
    const received: string[] = [];
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) received.push(message);
    });
    await subscriber.subscribe(channel);
    await publisher.publish(channel, 'before');
    await eventually(
      () => received.includes('before'),
      isTrue,
      'the message before the cut',
      WAIT_MS,
      POLL_MS,
    );

    // Refused for longer than the other roles' commands wait (maxRetriesPerRequest 2: a few
    // hundred milliseconds of attempts).
    relay.dropAllThenCutSubscribe(1_500);
    await eventually(
      () => relay.back && subscriber.status === 'ready',
      isTrue,
      'the reconnection',
      WAIT_MS,
      POLL_MS,
    );
    await eventually(
      async () => {
        await publisher.publish(channel, 'after');
        return received.includes('after');
      },
      isTrue,
      'a message after the reconnection',
      WAIT_MS,
      POLL_MS,
    );
    // Jest fails the running test on a rejection nobody handles, reported on the next turns of the
    // event loop (a listener on the test's `process`, a copy, would never hear of it).
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
});
