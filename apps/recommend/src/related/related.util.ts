import { compareIds, type PoolEntry } from '../feed/ranking.util';

export interface RelatedCandidate extends PoolEntry {
  tokens: readonly string[];
}

/**
 * Articles related to one with `tokens`: most shared title words first, then the newest, so a
 * title with no match still gets the channel's latest articles. The article itself is left out.
 */
export function rankRelated(
  articleId: string,
  tokens: readonly string[],
  candidates: readonly RelatedCandidate[],
  count: number,
): string[] {
  const words = new Set(tokens);
  return candidates
    .filter((candidate) => candidate.id !== articleId)
    .map((candidate) => ({
      candidate,
      shared: candidate.tokens.filter((token) => words.has(token)).length,
    }))
    .sort(
      (a, b) =>
        b.shared - a.shared ||
        b.candidate.createdMs - a.candidate.createdMs ||
        compareIds(b.candidate.id, a.candidate.id),
    )
    .slice(0, count)
    .map(({ candidate }) => candidate.id);
}
