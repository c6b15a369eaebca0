/** Gives back the place a connection took; calling it again does nothing. */
export type ReleasePlace = () => void;

/**
 * How many connections each caller address holds on this replica, `max` at most (0: no cap). A
 * count in memory: one replica does not see another's, so a caller may hold `max` on each.
 */
export class ConnectionsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A place for one more connection of `address`, or null when it holds `max` already. */
  take(address: string): ReleasePlace | null {
    const held = this.open.get(address) ?? 0;
    if (this.max > 0 && held >= this.max) return null;
    this.open.set(address, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }

  /** The connections `address` holds. */
  held(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /** The addresses holding a connection: each holds an entry until its last one ends. */
  get addresses(): number {
    return this.open.size;
  }
}
