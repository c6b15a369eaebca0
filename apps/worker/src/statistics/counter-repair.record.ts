import { StateKeys } from '@app/cache';
import type Redis from 'ioredis';

/**
 * When the counters were last rebuilt, kept on the state Redis beside them: a state Redis that
 * lost its counters lost this too, and starts counting again from the next worker's start.
 */
export class CounterRepairRecord {
  constructor(private readonly redis: Pick<Redis, 'get' | 'set'>) {}

  /** Records a repair that began at `at`. */
  async repaired(at: Date): Promise<void> {
    await this.redis.set(StateKeys.counterRepairedAt, String(at.getTime()));
  }

  /** When the last repair began; with none recorded, `now`, which is recorded as the start. */
  async lastRepair(now: Date): Promise<Date> {
    await this.redis.set(StateKeys.counterRepairedAt, String(now.getTime()), 'NX');
    return new Date(Number(await this.redis.get(StateKeys.counterRepairedAt)));
  }
}
