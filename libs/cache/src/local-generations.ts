import { LRUCache } from 'lru-cache';

/**
 * In-process generations of cached keys: a clock that every local or broadcast invalidation of a
 * key advances, remembering the key's last one. A fill notes `current()` before it reads and keeps
 * what it read in process only if `droppedSince` says the key was not invalidated meanwhile.
 * Only the latest `max` invalidated keys are remembered; a fill older than a forgotten one is
 * treated as overtaken (it is simply not kept).
 */
export class LocalGenerations {
  private clock = 0;
  private forgottenUpTo = 0;
  private readonly droppedAt: LRUCache<string, number>;

  constructor(max = 10_000) {
    this.droppedAt = new LRUCache<string, number>({
      max,
      dispose: (generation, _key, reason) => {
        if (reason === 'evict') this.forgottenUpTo = Math.max(this.forgottenUpTo, generation);
      },
    });
  }

  current(): number {
    return this.clock;
  }

  drop(key: string): void {
    this.clock += 1;
    this.droppedAt.set(key, this.clock);
  }

  /** Whether `key` was invalidated after `generation` was current. */
  droppedSince(key: string, generation: number): boolean {
    if (generation === this.clock) return false;
    if (generation < this.forgottenUpTo) return true;
    return (this.droppedAt.peek(key) ?? 0) > generation;
  }
}
