import type Redis from 'ioredis';

import type { CounterKey } from './keys';

export interface CounterBufferOptions {
  /** How long increments gather before they are written; the most a crash can lose. */
  flushMs: number;
  /** Told of a failed write; its increments stay buffered for the next one. */
  onWriteError?: (error: unknown, increments: number) => void;
}

/**
 * Counter increments on hot paths (reads, exposures), summed in process and written to the
 * state Redis in one MULTI every `flushMs`: a popular article costs one ZINCRBY per interval
 * instead of one per request. A failed write keeps its sums for the next interval, so a Redis
 * restart loses nothing; `close()` writes what is left on shutdown.
 */
export class CounterBuffer {
  private pending = new Map<CounterKey, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: CounterBufferOptions,
  ) {}

  add(key: CounterKey, id: string, by = 1): void {
    let counts = this.pending.get(key);
    if (!counts) {
      counts = new Map();
      this.pending.set(key, counts);
    }
    counts.set(id, (counts.get(id) ?? 0) + by);
    this.schedule();
  }

  /** Increments not yet written (for health and tests). */
  get size(): number {
    let size = 0;
    for (const counts of this.pending.values()) size += counts.size;
    return size;
  }

  /** Writes what has gathered now; resolves when it is on Redis (or kept after a failure). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One write at a time: a second flush waits for the first, then writes what came since.
    while (this.writing) await this.writing;
    if (this.pending.size === 0) return;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
      if (this.pending.size > 0) this.schedule();
    });
    await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const transaction = this.redis.multi();
    let increments = 0;
    for (const [key, counts] of batch) {
      for (const [id, by] of counts) {
        transaction.zincrby(key, by, id);
        increments += 1;
      }
    }
    try {
      const replies = (await transaction.exec()) ?? [];
      // Commands that Redis refused one by one (a key of the wrong type) were not applied but
      // would fail again: reported, not kept.
      const refused = replies.find(([error]) => error);
      if (refused?.[0]) this.options.onWriteError?.(refused[0], increments);
    } catch (error) {
      // The transaction never ran (Redis unreachable or restarting): keep every sum.
      this.restore(batch);
      this.options.onWriteError?.(error, increments);
    }
  }

  private restore(batch: Map<CounterKey, Map<string, number>>): void {
    for (const [key, counts] of batch) for (const [id, by] of counts) this.add(key, id, by);
  }
}
