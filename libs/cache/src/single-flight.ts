/**
 * One load per key at a time in this process: callers that ask while a load runs share it, and
 * the first caller after it settles (resolved or not) loads again. A cold miss of a large list
 * is then read from MySQL once, not once per request waiting for it. It keeps nothing: caching
 * is the caches' job.
 */
export class SingleFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  run(key: string, load: () => Promise<V>): Promise<V> {
    let pending = this.running.get(key);
    if (!pending) {
      pending = load().finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return pending;
  }
}
