/** A pool entry with the print of its id, computed once when the snapshot loads it. */
export interface PrintedEntry {
  id: string;
  print: number;
}

/** What `drawBatch` asks of a reader's exposures. */
export interface Exposures {
  has(entry: PrintedEntry): boolean;
}

/** The size of one print where exposures are kept. */
export const PRINT_BYTES = 4;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The 32-bit FNV-1a hash of an article id, as a signed integer (V8 keeps those unboxed, so a set
 * of them costs no allocation per print): what a reader's exposures keep of each article. Two ids
 * with one print (about one pair in four billion) make an unseen article count as shown, never a
 * shown one as unseen.
 */
export function exposurePrint(id: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash | 0;
}

/** The prints of `ids` as appended to `RecoKeys.shown`: four bytes each, big-endian. */
export function packPrints(ids: readonly string[]): Buffer {
  const packed = Buffer.allocUnsafe(ids.length * PRINT_BYTES);
  ids.forEach((id, index) => packed.writeInt32BE(exposurePrint(id), index * PRINT_BYTES));
  return packed;
}

/**
 * The articles shown to a reader in a channel: the prints appended to `RecoKeys.shown`, and the
 * ids of the sets written before the prints (read until they expire).
 */
export class ShownArticles implements Exposures {
  static readonly NONE = new ShownArticles(null, []);

  private readonly prints = new Set<number>();
  private readonly ids: ReadonlySet<string>;

  constructor(packed: Buffer | null, olderIds: readonly string[]) {
    if (packed) {
      for (let offset = 0; offset + PRINT_BYTES <= packed.length; offset += PRINT_BYTES) {
        this.prints.add(packed.readInt32BE(offset));
      }
    }
    this.ids = new Set(olderIds);
  }

  has(entry: PrintedEntry): boolean {
    return this.prints.has(entry.print) || (this.ids.size > 0 && this.ids.has(entry.id));
  }
}
