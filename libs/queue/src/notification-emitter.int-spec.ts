import { createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import Redis from 'ioredis';

import { NotificationEmitter } from './notification-emitter';

describe('NotificationEmitter (real Redis)', () => {
  let redis: TestRedis;
  let subscriber: Redis;
  let publisher: Redis;
  const received: Array<{ channel: string; message: Buffer }> = [];

  beforeAll(async () => {
    redis = createTestRedis();
    subscriber = new Redis(redis.stateUrl);
    subscriber.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
      received.push({ channel: channel.toString(), message });
    });
    await subscriber.psubscribe(`${redis.prefix}socket.io#*`);
    // The apps' clients carry keyPrefix; channels are not keys, so the emitter's key must carry it.
    publisher = createRedisClient(redis.stateUrl, redis.prefix);
  });

  afterAll(async () => {
    await subscriber?.quit();
    await publisher?.quit();
    await redis?.cleanup();
  });

  it('publishes a liking notification for the author room that a Socket.IO adapter would receive', async () => {
    const emitter = new NotificationEmitter(publisher, redis.prefix);
    const reached = await emitter.notifyLiking('1294287382374383616', {
      user_id: '1294287382374383617',
      user_name: 'reader',
      user_photo: 'http://img/x',
      art_id: '1294287382374383618',
      art_title: 'a title',
      timestamp: 1_764_000_000,
    });

    expect(reached).toBe(1);
    await waitFor(() => received.length > 0);
    expect(received).toHaveLength(1);
    expect(received[0].channel).toBe(`${redis.prefix}socket.io#/#1294287382374383616#`);
    expect(received[0].message.includes('liking notify')).toBe(true);
    expect(received[0].message.includes('a title')).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
