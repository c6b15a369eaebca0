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
 * The article itself is left out. Built once per set of candidates; a query only touches the
 * candidates that share a word, plus the newest ones when those are too few.
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
    if (count <= 0) return [];
    const shared = new Map<number, number>();
    for (const token of new Set(tokens)) {
      for (const position of this.postings.get(token) ?? [])
        shared.set(position, (shared.get(position) ?? 0) + 1);
    }
    const matched = [...shared]
      .filter(([position]) => this.newest[position].id !== articleId)
      .sort(([a, sharedA], [b, sharedB]) => sharedB - sharedA || a - b)
      .slice(0, count)
      .map(([position]) => this.newest[position].id);
    for (let position = 0; matched.length < count && position < this.newest.length; position++) {
      const candidate = this.newest[position];
      if (!shared.has(position) && candidate.id !== articleId) matched.push(candidate.id);
    }
    return matched;
  }
}

/** One-off form of `RelatedIndex.related`. */
export function rankRelated(
  articleId: string,
  tokens: readonly string[],
  candidates: readonly RelatedCandidate[],
  count: number,
): string[] {
  return new RelatedIndex(candidates).related(articleId, tokens, count);
}
