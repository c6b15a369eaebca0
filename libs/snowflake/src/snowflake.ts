/** Twitter epoch used by the original system (2010-11-04T01:42:54.657Z). */
export const SNOWFLAKE_EPOCH = 1288834974657n;

const SEQUENCE_BITS = 12n;
const WORKER_BITS = 5n;
const DATACENTER_BITS = 5n;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;
const MAX_NODE = (1n << WORKER_BITS) - 1n;
const WORKER_SHIFT = SEQUENCE_BITS;
const DATACENTER_SHIFT = SEQUENCE_BITS + WORKER_BITS;
const TIMESTAMP_SHIFT = SEQUENCE_BITS + WORKER_BITS + DATACENTER_BITS;

export class ClockMovedBackwardsError extends Error {
  constructor(readonly driftMs: number) {
    super(`Clock moved backwards by ${driftMs} ms; refusing to generate ids`);
  }
}

export interface SnowflakeOptions {
  datacenterId: number;
  workerId: number;
  /** Injected for tests; milliseconds since the Unix epoch. */
  now?: () => number;
}

/**
 * 64-bit ids: 41 bits of milliseconds since SNOWFLAKE_EPOCH, 5 bits datacenter, 5 bits worker,
 * 12 bits sequence. Ids are returned as decimal strings because they exceed 2^53.
 */
export class Snowflake {
  private readonly node: bigint;
  private readonly now: () => number;
  private lastMs = -1;
  private sequence = 0n;

  constructor(options: SnowflakeOptions) {
    for (const [name, value] of [
      ['datacenterId', options.datacenterId],
      ['workerId', options.workerId],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || BigInt(value) > MAX_NODE) {
        throw new RangeError(`${name} must be an integer in 0..${MAX_NODE}`);
      }
    }
    this.node =
      (BigInt(options.datacenterId) << DATACENTER_SHIFT) |
      (BigInt(options.workerId) << WORKER_SHIFT);
    this.now = options.now ?? Date.now;
  }

  nextId(): string {
    let ms = this.now();
    if (ms < this.lastMs) {
      throw new ClockMovedBackwardsError(this.lastMs - ms);
    }
    if (ms === this.lastMs) {
      this.sequence = (this.sequence + 1n) & MAX_SEQUENCE;
      if (this.sequence === 0n) {
        ms = this.waitNextMs(ms);
      }
    } else {
      this.sequence = 0n;
    }
    this.lastMs = ms;
    return (
      ((BigInt(ms) - SNOWFLAKE_EPOCH) << TIMESTAMP_SHIFT) |
      this.node |
      this.sequence
    ).toString();
  }

  private waitNextMs(current: number): number {
    let ms = this.now();
    while (ms <= current) {
      ms = this.now();
    }
    return ms;
  }
}

export interface DecodedSnowflake {
  timestampMs: number;
  datacenterId: number;
  workerId: number;
  sequence: number;
}

export function decodeSnowflake(id: string): DecodedSnowflake {
  const value = BigInt(id);
  return {
    timestampMs: Number((value >> TIMESTAMP_SHIFT) + SNOWFLAKE_EPOCH),
    datacenterId: Number((value >> DATACENTER_SHIFT) & MAX_NODE),
    workerId: Number((value >> WORKER_SHIFT) & MAX_NODE),
    sequence: Number(value & MAX_SEQUENCE),
  };
}
