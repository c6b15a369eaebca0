import { loadConfig } from '@app/config';
import { eventually, type RedisServer, startRedisServer } from '@app/testing';

import { imEnvSchema } from '../config/im.config';
import { RedisPubSub } from './redis-pub-sub';

/** The Socket.IO adapter's connections on a state Redis of its own, which hangs (SIGSTOP) and answers again. */
describe('RedisPubSub while its Redis hangs', () => {
  let server: RedisServer;
  let pubSub: RedisPubSub;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    const config = loadConfig(imEnvSchema, {
      NODE_ENV: 'test',
      REDIS_CACHE_URL: server.url,
      REDIS_STATE_URL: server.url,
      REDIS_QUEUE_URL: server.url,
      REDIS_KEY_PREFIX: 'hang:',
    });
    pubSub = new RedisPubSub(config);
  });

  afterAll(async () => {
    server?.thaw();
    await pubSub?.onApplicationShutdown();
    await server?.remove();
  });

  it('answers not ready within its timeout while Redis hangs, and ready once it answers again, its subscriptions kept', async () => {
    const heard: string[] = [];
    pubSub.sub.on('message', (_channel: string, message: string) => heard.push(message));
    await pubSub.sub.subscribe('hang:channel');
    expect(await pubSub.isReady()).toBe(true);

    server.freeze();
    try {
      expect(await pubSub.isReady(200)).toBe(false);
      expect(await pubSub.isReady(200)).toBe(false);
    } finally {
      server.thaw();
    }

    expect(await pubSub.isReady()).toBe(true);
    expect(await pubSub.pub.publish('hang:channel', 'after')).toBe(1);
    expect(
      await eventually(
        () => heard,
        (messages) => messages.length > 0,
        'the message',
      ),
    ).toEqual(['after']);
  });
});
