/**
 * Calls a round now and then every interval until stopped, on a timer that does not keep the
 * process alive. The round decides everything else: whether rounds may overlap, what a failure
 * does (it must not reject), and whether stopping waits for the round in flight.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly round: () => Promise<unknown>) {}

  runNowAndEvery(intervalMs: number): void {
    void this.round();
    this.every(intervalMs);
  }

  /** The first round one interval from now. */
  every(intervalMs: number): void {
    this.timer = setInterval(() => void this.round(), intervalMs);
    this.timer.unref();
  }

  /** No round starts from now on; one in flight goes on. Harmless when never started. */
  stop(): void {
    clearInterval(this.timer);
  }
}
