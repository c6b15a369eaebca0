import {
  formatScore,
  needsTieGroup,
  parseCursor,
  parseWithScores,
  type ScoredComment,
  withTieGroup,
} from './comment-cursor';

const STICKY = 20_000_000_000_000_000_000n;

describe('gateway comment cursor', () => {
  it('writes scores as exact integers that parse back to the same double', () => {
    const sticky = Number(STICKY + 1704067200n);
    expect(formatScore(1704067200)).toBe('1704067200');
    expect(formatScore(sticky)).toMatch(/^\d{20}$/);
    expect(parseCursor(formatScore(sticky))).toBe(sticky);
    expect(parseCursor('20000000001704067200')).toBe(sticky);
  });

  it('reads WITHSCORES replies as Redis formats big doubles', () => {
    expect(parseWithScores(['7', '2.0000000001704067e+19', '6', '1704067200'])).toEqual([
      { id: '7', score: Number(STICKY + 1704067200n) },
      { id: '6', score: 1704067200 },
    ]);
  });

  it('completes a page that stops inside a group of equal scores with the whole group', () => {
    const fetched: ScoredComment[] = [
      { id: 'a', score: 30 },
      { id: 'c', score: 20 },
      { id: 'b', score: 20 },
    ];
    expect(needsTieGroup(fetched, 2)).toBe(true);
    expect(needsTieGroup(fetched.slice(0, 2), 2)).toBe(false);
    expect(
      needsTieGroup(
        [
          { id: 'a', score: 30 },
          { id: 'c', score: 20 },
          { id: 'x', score: 10 },
        ],
        2,
      ),
    ).toBe(false);
    const group = [
      { id: 'd', score: 20 },
      { id: 'c', score: 20 },
      { id: 'b', score: 20 },
    ];
    expect(withTieGroup(fetched, 2, group).map(({ id }) => id)).toEqual(['a', 'd', 'c', 'b']);
  });
});
