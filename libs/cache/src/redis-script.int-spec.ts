import { createTestRedis, type RedisServer, startRedisServer, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { RedisScript } from './redis-script';

const SET_AND_COUNT = new RedisScript<number, [key: string, counter: string], [value: string]>(`
redis.call('SET', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])`);

const KEY_NAMES = new RedisScript<string[]>(`return KEYS`);

/** What `redis` writes to its socket while `work` runs, as text. */
async function written(redis: Redis, work: () => Promise<unknown>): Promise<string> {
  const write = jest.spyOn(redis.stream, 'write');
  try {
    await work();
    return write.mock.calls.map(([data]) => String(data)).join('');
  } finally {
    write.mockRestore();
  }
}

describe('RedisScript (real Redis)', () => {
  let testRedis: TestRedis;
  let cache: Redis;
  let state: Redis;

  beforeAll(() => {
    testRedis = createTestRedis();
    cache = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    state = createRedisClient(testRedis.stateUrl, testRedis.prefix);
  });

  afterAll(async () => {
    await Promise.all([cache.quit(), state.quit()]);
    await testRedis.cleanup();
  });

  it('runs with its KEYS under the connection key prefix and ARGV as given, on each connection', async () => {
    expect(await SET_AND_COUNT.run(cache, ['value', 'counter'], ['a'])).toBe(1);
    expect(await SET_AND_COUNT.run(cache, ['value', 'counter'], ['b'])).toBe(2);
    expect(await SET_AND_COUNT.run(state, ['value', 'counter'], ['c'])).toBe(1);
    expect(await testRedis.client('cache').get(`${testRedis.prefix}value`)).toBe('b');
    expect(await testRedis.client('state').get(`${testRedis.prefix}value`)).toBe('c');
    expect(await KEY_NAMES.run(cache, ['x', 'y', 'z'], [])).toEqual([
      `${testRedis.prefix}x`,
      `${testRedis.prefix}y`,
      `${testRedis.prefix}z`,
    ]);
  });

  it('runs in the auto-pipeline of a new client along with the commands of the same tick', async () => {
    const client = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    try {
      await client.set('tick', 'before');
      expect(
        await Promise.all([
          client.get('tick'),
          SET_AND_COUNT.run(client, ['tick', 'tick-counter'], ['after']),
          client.get('tick'),
        ]),
      ).toEqual(['before', 1, 'after']);
    } finally {
      await client.quit();
    }
  });

  it('sends the script on its first call on a connection and only its SHA after that', async () => {
    const lua = `return ARGV[1] .. ':${testRedis.prefix}'`;
    const echo = new RedisScript<string, [], [string]>(lua);
    const first = await written(cache, () => echo.run(cache, [], ['one']));
    const next = await written(cache, () =>
      Promise.all([echo.run(cache, [], ['two']), echo.run(cache, [], ['three'])]),
    );
    expect(first).toContain(lua);
    expect(next).not.toContain(lua);
    expect(next.match(/evalsha/gi)).toHaveLength(2);
    expect(await echo.run(cache, [], ['four'])).toBe(`four:${testRedis.prefix}`);
  });

  describe('on a Redis that drops its scripts', () => {
    let server: RedisServer;
    let own: Redis;

    beforeAll(async () => {
      server = await startRedisServer({ appendOnly: false });
      own = createRedisClient(`${server.url}/0`, testRedis.prefix);
    });

    afterAll(async () => {
      own.disconnect();
      await server.remove();
    });

    it('sends the script again after NOSCRIPT and answers the call', async () => {
      expect(await SET_AND_COUNT.run(own, ['value', 'counter'], ['a'])).toBe(1);
      await own.script('FLUSH');
      let reply: number | undefined;
      const sent = await written(own, async () => {
        reply = await SET_AND_COUNT.run(own, ['value', 'counter'], ['b']);
      });
      expect(reply).toBe(2);
      expect(sent).toContain(SET_AND_COUNT.lua);
      expect(await own.get('value')).toBe('b');
    });

    it('answers a script queued in a pipeline in its place, after NOSCRIPT too (run after the rest)', async () => {
      const batch = (value: string) =>
        SET_AND_COUNT.queue(own.pipeline().get('value'), ['value', 'queued'], [value])
          .get('value')
          .exec();
      expect(await batch('c')).toEqual([
        [null, 'b'],
        [null, 1],
        [null, 'c'],
      ]);
      await own.script('FLUSH');
      expect(await batch('d')).toEqual([
        [null, 'c'],
        [null, 2],
        [null, 'c'],
      ]);
      expect(await own.get('value')).toBe('d');
    });

    it('keeps the error of another command of the pipeline in its place, after NOSCRIPT too', async () => {
      await own.set('text', 'not a number');
      await own.script('FLUSH');
      const replies = await SET_AND_COUNT.queue(
        own.pipeline().incr('text'),
        ['value', 'queued'],
        ['e'],
      )
        .get('value')
        .exec();
      expect(replies?.map(([error]) => error?.message.split(' ')[0] ?? null)).toEqual([
        'ERR',
        null,
        null,
      ]);
      expect(replies?.slice(1).map(([, reply]) => reply)).toEqual([3, 'd']);
      expect(await own.get('value')).toBe('e');
    });
  });
});
