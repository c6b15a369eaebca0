import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';

/**
 * Most notifications of a replica being prepared and sent at once. Each holds a check of the
 * author's blacklist (BLACKLIST_CHECK_MS at most) and a Redis publish, so a flood of likes while
 * the user service hangs piles up no more than this many.
 */
export const MAX_PENDING_NOTIFICATIONS = 1000;

/**
 * Sends notifications after the request that made them has been answered: the like or comment is
 * stored and counted by then, and a notification is a side effect it must not wait for (a user
 * service that answers slowly held every like). Past MAX_PENDING_NOTIFICATIONS a new one is
 * dropped, as a notification whose check fails is; those pending at shutdown are waited for
 * before the Redis clients close.
 */
export class BackgroundNotifications implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BackgroundNotifications.name);
  private readonly pending = new Set<Promise<void>>();
  private dropped = 0;

  constructor(private readonly limit: number = MAX_PENDING_NOTIFICATIONS) {}

  /** Starts `send` unless `limit` are pending; it is not awaited, and its failure only logged. */
  run(send: () => Promise<void>): void {
    if (this.pending.size >= this.limit) {
      if (this.dropped++ === 0)
        this.logger.warn(`${this.limit} notifications pending: new ones are dropped`);
      return;
    }
    const running: Promise<void> = Promise.resolve()
      .then(send)
      .catch((error: unknown) => this.logger.warn(`a notification failed: ${String(error)}`))
      .finally(() => this.settled(running));
    this.pending.add(running);
  }

  /** How many are being sent. */
  get size(): number {
    return this.pending.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private settled(running: Promise<void>): void {
    this.pending.delete(running);
    if (this.dropped > 0 && this.pending.size === 0) {
      this.logger.warn(
        `${this.dropped} notifications were dropped while ${this.limit} were pending`,
      );
      this.dropped = 0;
    }
  }
}
