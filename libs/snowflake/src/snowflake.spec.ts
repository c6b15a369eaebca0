import { ClockMovedBackwardsError, decodeSnowflake, Snowflake, SNOWFLAKE_EPOCH } from './snowflake';

describe('Snowflake', () => {
  it('encodes time, node and sequence in the original layout', () => {
    const ms = 1_700_000_000_000;
    const generator = new Snowflake({ datacenterId: 3, workerId: 17, now: () => ms });
    const first = generator.nextId();
    const second = generator.nextId();
    expect(decodeSnowflake(first)).toEqual({
      timestampMs: ms,
      datacenterId: 3,
      workerId: 17,
      sequence: 0,
    });
    expect(decodeSnowflake(second).sequence).toBe(1);
    expect(BigInt(first)).toBe(
      ((BigInt(ms) - SNOWFLAKE_EPOCH) << 22n) | (3n << 17n) | (17n << 12n),
    );
  });

  it('produces ids beyond 2^53 as exact strings', () => {
    const id = new Snowflake({ datacenterId: 0, workerId: 0 }).nextId();
    expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(id).toMatch(/^\d{19}$/);
  });

  it('waits for the next millisecond when the sequence overflows', () => {
    let ms = 1_700_000_000_000;
    let calls = 0;
    const generator = new Snowflake({
      datacenterId: 0,
      workerId: 1,
      now: () => {
        calls += 1;
        // the clock advances only after 4096 ids were handed out in the first millisecond
        return calls > 4097 ? ms + 1 : ms;
      },
    });
    const ids = Array.from({ length: 4097 }, () => generator.nextId());
    expect(new Set(ids).size).toBe(4097);
    expect(decodeSnowflake(ids[4095]).sequence).toBe(4095);
    expect(decodeSnowflake(ids[4096])).toMatchObject({ timestampMs: ms + 1, sequence: 0 });
    ms += 1;
  });

  it('refuses to generate when the clock moves backwards', () => {
    let ms = 1_700_000_000_000;
    const generator = new Snowflake({ datacenterId: 0, workerId: 0, now: () => ms });
    generator.nextId();
    ms -= 5;
    expect(() => generator.nextId()).toThrow(ClockMovedBackwardsError);
  });

  it('is strictly increasing within one generator', () => {
    const generator = new Snowflake({ datacenterId: 1, workerId: 2 });
    const ids = Array.from({ length: 10_000 }, () => BigInt(generator.nextId()));
    for (let i = 1; i < ids.length; i += 1) {
      expect(ids[i] > ids[i - 1]).toBe(true);
    }
  });

  it('rejects node ids outside five bits', () => {
    expect(() => new Snowflake({ datacenterId: 32, workerId: 0 })).toThrow(RangeError);
    expect(() => new Snowflake({ datacenterId: 0, workerId: -1 })).toThrow(RangeError);
  });
});
