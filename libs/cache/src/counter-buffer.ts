import type Redis from 'ioredis';

import type { CounterKey } from './keys';
import { RedisScript } from './redis-script';

/**
 * Members per script call: a flush of tens of thousands of ids goes in several calls, so other
 * clients' commands run between them.
 */
export const INCREMENTS_PER_CALL = 1000;

/** KEYS[1] a counter zset; ARGV increment, member, increment, member, ... */
const ZINCRBY_MANY = new RedisScript<number, [counter: CounterKey], Array<string | number>>(`
for i = 1, #ARGV, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return #ARGV / 2`);

export interface CounterBufferOptions {
  /** How long increments gather before they are written; the most a crash can lose. */
  flushMs: number;
  /**
   * Told of a failed write and how many increments failed; they stay buffered for the next one,
   * except those of a key of the wrong type, which Redis would refuse again.
   */
  onWriteError?: (error: unknown, increments: number) => void;
  /**
   * How long `close()` writes again what a failed write left (every CLOSE_RETRY_MS): a shutdown
   * while Redis restarts would otherwise drop the sums, which no repair can count again.
   */
  closeTimeoutMs?: number;
}

const CLOSE_RETRY_MS = 500;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * Counter increments on hot paths (reads, exposures), summed in process and written to the
 * state Redis every `flushMs`: a popular article costs one ZINCRBY per interval instead of one
 * per request. The ZINCRBYs of a key go in script calls of INCREMENTS_PER_CALL members: a MULTI
 * of one client command per member costs the client 4-8 times the CPU (`npm run
 * bench:counter-flush`). A failed write keeps its sums for the next interval, so a Redis restart
 * loses nothing; `close()` writes what is left on shutdown (waiting up to `closeTimeoutMs` for a
 * Redis that is down), and what comes after it at once.
 */
export class CounterBuffer {
  private pending = new Map<CounterKey, Map<string, number>>();
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: CounterBufferOptions,
  ) {}

  add(key: CounterKey, id: string, by = 1): void {
    if (this.closed) {
      // Closing runs before the server stops answering: what it still counts goes out at once,
      // ahead of the clients' QUIT, instead of into a buffer nobody writes.
      ZINCRBY_MANY.run(this.redis, [key], [by, id]).catch((error: unknown) =>
        this.options.onWriteError?.(error, 1),
      );
      return;
    }
    this.keep(key, id, by);
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

  /**
   * Writes what is left, again while it fails, for `closeTimeoutMs` at most; increments added from
   * now on are written one by one as they come.
   */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + (this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    await this.flush();
    while (this.pending.size > 0 && Date.now() + CLOSE_RETRY_MS <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, CLOSE_RETRY_MS));
      await this.flush();
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private keep(key: CounterKey, id: string, by: number): void {
    let counts = this.pending.get(key);
    if (!counts) {
      counts = new Map();
      this.pending.set(key, counts);
    }
    counts.set(id, (counts.get(id) ?? 0) + by);
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const calls: Array<{ key: CounterKey; counts: Array<[string, number]> }> = [];
    for (const [key, counts] of batch) {
      const entries = [...counts];
      for (let start = 0; start < entries.length; start += INCREMENTS_PER_CALL)
        calls.push({ key, counts: entries.slice(start, start + INCREMENTS_PER_CALL) });
    }
    const outcomes = await Promise.allSettled(
      calls.map(({ key, counts }) =>
        ZINCRBY_MANY.run(
          this.redis,
          [key],
          counts.flatMap(([id, by]) => [by, id]),
        ),
      ),
    );
    let failed = 0;
    let firstError: unknown;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      const { key, counts } = calls[index];
      failed += counts.length;
      firstError ??= outcome.reason;
      // A key of the wrong type: nothing of it was applied, and it would fail again, so it is
      // reported, not kept. Any other failure (Redis unreachable, restarting, loading, out of
      // memory) may pass: its sums are kept for the next write.
      if (!isWrongType(outcome.reason)) for (const [id, by] of counts) this.keep(key, id, by);
    });
    if (failed > 0) this.options.onWriteError?.(firstError, failed);
  }
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}
