import { compareIds, type PoolEntry } from '../feed/ranking.util';

export interface RelatedCandidate extends PoolEntry {
  tokens: readonly string[];
}

/** Newest first; equal times by the larger id, so the order is stable. */
function newerFirst(a: PoolEntry, b: PoolEntry): number {
  return b.createdMs - a.createdMs || compareIds(b.id, a.id);
}

/**
 * Articles related to one with given title words, among a fixed set of candidates: most shared
 * title words first, then the newest, so a title with no match still gets the latest articles.
 * The article itself is left out. Built once per set of candidates, so a query counts shared
 * words through the index and sorts nothing.
 */
export class RelatedIndex {
  private readonly newest: readonly RelatedCandidate[];
  /** Title word -> positions in `newest`, once per occurrence of the word in a title. */
  private readonly postings = new Map<string, number[]>();

  constructor(candidates: readonly RelatedCandidate[]) {
    this.newest = [...candidates].sort(newerFirst);
    this.newest.forEach((candidate, position) => {
      for (const token of candidate.tokens) {
        const positions = this.postings.get(token);
        if (positions) positions.push(position);
        else this.postings.set(token, [position]);
      }
    });
  }

  related(articleId: string, tokens: readonly string[], count: number): string[] {
    // At most one count per distinct word of the title, so 16 bits are plenty.
    const shared = new Uint16Array(this.newest.length);
    let mostShared = 0;
    for (const token of new Set(tokens)) {
      for (const position of this.postings.get(token) ?? []) {
        shared[position] += 1;
        mostShared = Math.max(mostShared, shared[position]);
      }
    }
    // Most shared words first; within a count, `newest` is already in the order wanted.
    const related: string[] = [];
    for (let level = mostShared; level >= 0 && related.length < count; level--) {
      for (let position = 0; position < this.newest.length && related.length < count; position++) {
        const candidate = this.newest[position];
        if (shared[position] === level && candidate.id !== articleId) related.push(candidate.id);
      }
    }
    return related;
  }
}
