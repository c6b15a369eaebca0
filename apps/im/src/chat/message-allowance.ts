/** How many messages a socket (or a sender) may send at once, then how often one more. */
export interface AllowanceRule {
  burst: number;
  intervalMs: number;
}

/** Chat: a burst of 10 messages, then one a second. A person typing never comes near it. */
export const CHAT_ALLOWANCE: AllowanceRule = { burst: 10, intervalMs: 1000 };

/**
 * A token bucket: it starts full with `burst` messages and earns one back every `intervalMs`,
 * up to `burst`. Sockets live on one replica, so their bucket is kept in memory.
 */
export class MessageAllowance {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rule: AllowanceRule,
    nowMs: number,
  ) {
    this.tokens = rule.burst;
    this.updatedAt = nowMs;
  }

  /** Spends one message; false when there is none left. */
  take(nowMs: number): boolean {
    if (nowMs > this.updatedAt) {
      const earned = (nowMs - this.updatedAt) / this.rule.intervalMs;
      this.tokens = Math.min(this.rule.burst, this.tokens + earned);
      this.updatedAt = nowMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
