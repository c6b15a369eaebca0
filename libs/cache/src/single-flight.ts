/**
 * One load per key at a time in this process: callers that ask while a load runs share it, and
 * the first caller after it settles (resolved or not) loads again. A cold miss of a large list
 * is then read from MySQL once, not once per request waiting for it. It keeps nothing: caching
 * is the caches' job.
 *
 * Callers join a load for `maxShareMs` at most; after that the next one loads again, so a load
 * that hangs (a statement on a MySQL connection that died without a reset waits some 15 minutes
 * for TCP to give up) holds only the callers that joined it, not every later one.
 */
export class SingleFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  constructor(private readonly maxShareMs = 30_000) {}

  run(key: string, load: () => Promise<V>): Promise<V> {
    const pending = this.pending(key);
    if (pending) return pending;
    const loading: Promise<V> = load().finally(() => {
      clearTimeout(expiry);
      this.end(key, loading);
    });
    const expiry = setTimeout(() => this.end(key, loading), this.maxShareMs);
    expiry.unref();
    this.running.set(key, loading);
    return loading;
  }

  /** The load of `key` callers would join now, if any. */
  pending(key: string): Promise<V> | undefined {
    return this.running.get(key);
  }

  /**
   * Lets the next caller of `key` load again (its value changed); the callers that joined the
   * load in flight still get what it answers.
   */
  forget(key: string): void {
    this.running.delete(key);
  }

  private end(key: string, load: Promise<V>): void {
    if (this.running.get(key) === load) this.running.delete(key);
  }
}
