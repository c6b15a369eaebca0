import { Snowflake, SNOWFLAKE_EPOCH } from '@app/snowflake';

import { beforeIdOfTimestamp, timestampOfArticle } from './feed-cursor.util';

describe('feed cursor', () => {
  const epoch = Number(SNOWFLAKE_EPOCH);

  it('maps a stamp to the first id of that millisecond, so older ids are below and its own are not', () => {
    const ms = 1_700_000_000_123;
    const bound = BigInt(beforeIdOfTimestamp(ms) ?? '0');
    const sameMs = BigInt(new Snowflake({ datacenterId: 0, workerId: 0, now: () => ms }).nextId());
    const earlier = BigInt(
      new Snowflake({ datacenterId: 31, workerId: 31, now: () => ms - 1 }).nextId(),
    );
    expect(sameMs >= bound).toBe(true);
    expect(earlier < bound).toBe(true);
  });

  it('gives the creation ms of an article as the next stamp', () => {
    const ms = 1_650_000_000_000;
    const id = new Snowflake({ datacenterId: 1, workerId: 2, now: () => ms }).nextId();
    expect(timestampOfArticle(id)).toBe(ms);
    expect(beforeIdOfTimestamp(timestampOfArticle(id))).not.toBe(id);
  });

  it('has nothing before the epoch and everything before a stamp past the id range', () => {
    expect(beforeIdOfTimestamp(0)).toBeNull();
    expect(beforeIdOfTimestamp(epoch)).toBeNull();
    expect(beforeIdOfTimestamp(epoch + 2 ** 42)).toBe('');
  });
});
