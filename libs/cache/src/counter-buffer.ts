import { randomBytes } from 'node:crypto';

import type Redis from 'ioredis';

import { ApplyOnceScript } from './apply-once';
import { type CounterKey, StateKeys } from './keys';

/**
 * Members per script call: a flush of tens of thousands of ids goes in several calls, so other
 * clients' commands run between them.
 */
export const INCREMENTS_PER_CALL = 1000;

type IncrementManyScript = ApplyOnceScript<number, [counts: string], Array<string | number>>;

/** KEYS[1] a counter zset; ARGV increment, member, increment, member, ... */
const ZINCRBY_MANY: IncrementManyScript = new ApplyOnceScript({
  apply: `
for i = 1, #ARGV, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return #ARGV / 2`,
  replay: 'return 0',
});

/** KEYS[1] a hash of counts; ARGV increment, field, increment, field, ... */
const HINCRBY_MANY: IncrementManyScript = new ApplyOnceScript({
  apply: `
for i = 1, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
end
return #ARGV / 2`,
  replay: 'return 0',
});

/**
 * Where a key's increments go: the members' scores of a counter zset (`add`), or the fields of a
 * hash of counts (`addToHash`, integers only).
 */
type CountsKind = 'zset' | 'hash';

const INCREMENT_MANY: Readonly<Record<CountsKind, IncrementManyScript>> = {
  zset: ZINCRBY_MANY,
  hash: HINCRBY_MANY,
};

/**
 * The sums not yet written, by kind and Redis key: member (or field) -> increment. Increments of
 * the other kind on a key are written apart, for Redis to refuse (WRONGTYPE), instead of summed
 * into that key's counts of the first kind.
 */
type PendingCounts = Record<CountsKind, Map<string, Map<string, number>>>;

const nothingPending = (): PendingCounts => ({ zset: new Map(), hash: new Map() });

/** One script call: increments of one key, and the write it was first sent in. */
interface IncrementCall {
  kind: CountsKind;
  key: string;
  counts: Array<[member: string, by: number]>;
  /** `StateKeys.counterWrite` of that write. */
  appliedCalls: string;
  /** Its number in that write. */
  number: number;
}

export interface CounterBufferOptions {
  /** How long increments gather before they are written; the most a crash can lose. */
  flushMs: number;
  /**
   * Told of a failed write and how many increments failed; they stay buffered for the next one,
   * except those of a key of the wrong type, which Redis would refuse again. Some of them may have
   * been applied (Redis ran the call, its reply was lost): the next write applies those not again.
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
 * Counter increments on hot paths (reads, exposures, reading-time reports), summed in process and
 * written to the state Redis every `flushMs`: a popular article costs one ZINCRBY per interval
 * instead of one per request. The increments of a key go in script calls of INCREMENTS_PER_CALL
 * members: a MULTI of one client command per member costs the client 4-8 times the CPU (`npm run
 * bench:counter-flush`). A failed write keeps its calls as they were sent and sends them first in
 * the next one, the new sums once those went through, so a Redis restart loses nothing; `close()`
 * writes what is left on shutdown (waiting up to `closeTimeoutMs` for a Redis that is down), and
 * what comes after it at once.
 *
 * Each call applies once: Redis may have run a call whose reply the connection lost, and ioredis
 * (on reconnecting) or the next write sends it again. A call is marked by its write's bitmap
 * (`StateKeys.counterWrite`) and its number in it (`ApplyOnceScript`), and applies nothing when
 * that bit was set already. So a failed call is kept apart, not summed into the new counts.
 */
export class CounterBuffer {
  private pending = nothingPending();
  /** Calls that failed, Redis may have applied them: sent again as they are. */
  private failed: IncrementCall[] = [];
  /** Distinguishes this buffer's writes from every other process' and buffer's. */
  private readonly writer = randomBytes(8).toString('hex');
  private writes = 0;
  /** Where the calls counted after `close()` go, one by one: a write of their own. */
  private afterClose: { appliedCalls: string; calls: number } | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: CounterBufferOptions,
  ) {}

  /** Moves `id`'s count in the counter zset `key` by `by`. */
  add(key: CounterKey, id: string, by = 1): void {
    this.count('zset', key, id, by);
  }

  /** Moves `field` of the hash of counts `key` by `by`, an integer (HINCRBY refuses others). */
  addToHash(key: string, field: string, by: number): void {
    // Refused at every write, it would be kept and sent again for good.
    if (!Number.isSafeInteger(by)) throw new RangeError(`${key} ${field}: ${by} is not an integer`);
    this.count('hash', key, field, by);
  }

  /**
   * Increments not yet written (for health and tests); a member counted since a failed call that
   * holds it counts twice, once in that call and once in the new sums.
   */
  get size(): number {
    let size = 0;
    for (const byKey of Object.values(this.pending))
      for (const counts of byKey.values()) size += counts.size;
    for (const call of this.failed) size += call.counts.length;
    return size;
  }

  /** Writes what has gathered now; resolves when it is on Redis (or kept after a failure). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One write at a time: a second flush waits for the first, then writes what came since.
    while (this.writing) await this.writing;
    if (this.nothingPending()) return;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
      if (!this.nothingPending()) this.schedule();
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
    while (!this.nothingPending() && Date.now() + CLOSE_RETRY_MS <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, CLOSE_RETRY_MS));
      await this.flush();
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private count(kind: CountsKind, key: string, member: string, by: number): void {
    if (this.closed) {
      // Closing runs before the server stops answering: what it still counts goes out at once,
      // ahead of the clients' QUIT, instead of into a buffer nobody writes.
      this.afterClose ??= { appliedCalls: this.nextWrite(), calls: 0 };
      const { appliedCalls } = this.afterClose;
      this.send({
        kind,
        key,
        counts: [[member, by]],
        appliedCalls,
        number: this.afterClose.calls++,
      }).catch((error: unknown) => this.options.onWriteError?.(error, 1));
      return;
    }
    this.keep(kind, key, member, by);
    this.schedule();
  }

  private keep(kind: CountsKind, key: string, member: string, by: number): void {
    const byKey = this.pending[kind];
    let counts = byKey.get(key);
    if (!counts) {
      counts = new Map();
      byKey.set(key, counts);
    }
    counts.set(member, (counts.get(member) ?? 0) + by);
  }

  private nothingPending(): boolean {
    return this.pending.zset.size === 0 && this.pending.hash.size === 0 && this.failed.length === 0;
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
  }

  /** A new write's bitmap of applied calls. */
  private nextWrite(): string {
    this.writes += 1;
    return StateKeys.counterWrite(`${this.writer}:${this.writes.toString(36)}`);
  }

  private send(call: IncrementCall): Promise<number> {
    return INCREMENT_MANY[call.kind].run(
      this.redis,
      [call.key],
      call.counts.flatMap(([member, by]) => [by, member]),
      { bitmap: call.appliedCalls, bit: call.number },
    );
  }

  private async write(): Promise<void> {
    // The calls a failed write left go first, alone: while they fail (Redis down) the new counts
    // stay summed in `pending`, instead of every failed write adding calls of its own to keep.
    if (this.failed.length > 0) {
      const retried = this.failed;
      this.failed = [];
      await this.sendAll(retried);
      if (this.failed.length > 0) return;
    }
    const batch = this.pending;
    this.pending = nothingPending();
    const appliedCalls = this.nextWrite();
    const calls: IncrementCall[] = [];
    for (const kind of ['zset', 'hash'] as const)
      for (const [key, counts] of batch[kind]) {
        const entries = [...counts];
        for (let start = 0; start < entries.length; start += INCREMENTS_PER_CALL)
          calls.push({
            kind,
            key,
            counts: entries.slice(start, start + INCREMENTS_PER_CALL),
            appliedCalls,
            number: calls.length,
          });
      }
    await this.sendAll(calls);
  }

  /** Sends `calls` together; keeps those that failed for the next write, and reports them. */
  private async sendAll(calls: IncrementCall[]): Promise<void> {
    const outcomes = await Promise.allSettled(calls.map((call) => this.send(call)));
    let failed = 0;
    let firstError: unknown;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      failed += calls[index].counts.length;
      firstError ??= outcome.reason;
      // A key of the wrong type: nothing of it was applied, and it would fail again, so it is
      // reported, not kept. Any other failure (Redis unreachable, restarting, loading, out of
      // memory, a reply lost) may pass: the call is kept for the next write.
      if (!isWrongType(outcome.reason)) this.failed.push(calls[index]);
    });
    if (failed > 0) this.options.onWriteError?.(firstError, failed);
  }
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}
