import { RedisScript, StateKeys } from '@app/cache';
import type Redis from 'ioredis';

// Keeps the record for good only while it still holds the loss of ARGV[1].
const KEEP_LOSS = new RedisScript<number, [record: string], [lostAt: string]>(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('persist', KEYS[1]) else return 0 end`,
);

/**
 * When the counters were last rebuilt, kept on the state Redis beside them and deleted by nothing:
 * a state Redis that lost its counters (a restart without persistence, a failover to an empty
 * replica) lost this too, and its absence is how the worker tells. A new state Redis has none either.
 */
export class CounterRepairRecord {
  constructor(private readonly redis: Redis) {}

  /**
   * Records a repair that began at `at`, unless the record is gone: the state Redis lost its data
   * while the repair ran, which then rebuilt only part of the counters, and the next loss check
   * asks for another. Returns whether it was recorded.
   */
  async repaired(at: Date): Promise<boolean> {
    return (await this.redis.set(StateKeys.counterRepairedAt, String(at.getTime()), 'XX')) === 'OK';
  }

  /** When the last repair began (or the loss was found); undefined when none is recorded. */
  async lastRepair(): Promise<Date | undefined> {
    const recorded = await this.redis.get(StateKeys.counterRepairedAt);
    return recorded === null ? undefined : new Date(Number(recorded));
  }

  /** Whether a repair, or a loss a repair was asked for, is recorded: one EXISTS. */
  async present(): Promise<boolean> {
    return (await this.redis.exists(StateKeys.counterRepairedAt)) === 1;
  }

  /**
   * Records that the counters were found lost at `at`, unless a replica recorded it first; returns
   * the time recorded, the same on every replica. It lapses after `claimMs` unless its repair is
   * enqueued ({@link lossRepairEnqueued}): a replica that dies or fails before that does not leave
   * the loss looking repaired, and the next check finds it again.
   */
  async recordLoss(at: Date, claimMs: number): Promise<Date> {
    await this.redis.set(StateKeys.counterRepairedAt, String(at.getTime()), 'PX', claimMs, 'NX');
    return (await this.lastRepair()) ?? at;
  }

  /** Keeps the loss recorded at `lostAt` once its repair is enqueued; a repair or a later loss recorded since is left as it is. */
  async lossRepairEnqueued(lostAt: Date): Promise<void> {
    await KEEP_LOSS.run(this.redis, [StateKeys.counterRepairedAt], [String(lostAt.getTime())]);
  }
}
