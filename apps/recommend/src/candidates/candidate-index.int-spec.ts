import { CounterKeys, createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { PopularityReader } from '../feed/popularity.reader';
import { ALL_CHANNELS, CandidateIndex } from './candidate-index';
import { IDS_PER_COMMAND } from './read-in-chunks';

describe('CandidateIndex (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let index: CandidateIndex;

  beforeAll(() => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    index = new CandidateIndex(state);
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('adds an approved article to its channel and to channel 0, and removes it from both', async () => {
    await index.add({ id: '11', channelId: 3, createdMs: 1000, tokens: ['python', '并发'] });
    await index.add({ id: '12', channelId: 3, createdMs: 2000, tokens: [] });
    expect(await index.pool(3, 10)).toEqual([
      { id: '12', createdMs: 2000 },
      { id: '11', createdMs: 1000 },
    ]);
    expect((await index.pool(ALL_CHANNELS, 10)).map((entry) => entry.id)).toEqual(['12', '11']);
    expect(await index.channelsOf(['11', '404'])).toEqual([3, undefined]);
    expect(await index.tokensOf(['11', '12'])).toEqual([['python', '并发'], []]);

    await index.remove('11');
    expect(await index.pool(3, 10)).toEqual([{ id: '12', createdMs: 2000 }]);
    expect(await index.pool(ALL_CHANNELS, 10)).toEqual([{ id: '12', createdMs: 2000 }]);
    expect(await index.channelsOf(['11'])).toEqual([undefined]);
  });

  it('replaces a pool whole, bounds reads and drops pools of vanished channels', async () => {
    await index.replaceChannel(5, [
      { id: '21', createdMs: 10 },
      { id: '22', createdMs: 30 },
      { id: '23', createdMs: 20 },
    ]);
    expect((await index.pool(5, 2)).map((entry) => entry.id)).toEqual(['22', '23']);
    await index.replaceChannel(5, [{ id: '24', createdMs: 40 }]);
    expect(await index.pool(5, 10)).toEqual([{ id: '24', createdMs: 40 }]);

    await index.retainChannels([ALL_CHANNELS, 3]);
    expect(await index.pool(5, 10)).toEqual([]);
    expect(await index.pool(3, 10)).toHaveLength(1);
  });

  it('reads channels, tokens and popularity of more ids than one chunk holds, in order', async () => {
    const count = IDS_PER_COMMAND * 2 + 5;
    const ids = Array.from({ length: count }, (_, i) => String(100_000 + i));
    await index.putChannels(ids.map((id, i) => ({ id, channelId: 1 + (i % 7) })));
    await index.putTokens(ids.map((id) => ({ id, tokens: [`t${id}`] })));
    await state.zadd(CounterKeys.articleLikes, ...ids.flatMap((id, i) => [i, id]));
    // Unknown ids between known ones keep their places.
    const asked = [...ids.slice(0, IDS_PER_COMMAND + 1), '404', ...ids.slice(IDS_PER_COMMAND + 1)];

    const channels = await index.channelsOf(asked);
    const tokens = await index.tokensOf(asked);
    const popularity = await new PopularityReader(state).read(asked);

    expect(channels).toHaveLength(count + 1);
    expect(channels[IDS_PER_COMMAND + 1]).toBeUndefined();
    expect(tokens[IDS_PER_COMMAND + 1]).toBeUndefined();
    expect(popularity[IDS_PER_COMMAND + 1].likes).toBe(0);
    asked.forEach((id, position) => {
      if (id === '404') return;
      const i = Number(id) - 100_000;
      expect(channels[position]).toBe(1 + (i % 7));
      expect(tokens[position]).toEqual([`t${id}`]);
      expect(popularity[position].likes).toBe(i);
    });
  });
});
