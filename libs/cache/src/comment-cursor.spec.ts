import {
  commentScore,
  compareForPage,
  cutPage,
  formatScore,
  needsTieGroup,
  pageCursors,
  parseCursor,
  parseWithScores,
  type ScoredComment,
  selectPage,
  STICKY_SCORE_BONUS,
  withTieGroup,
} from './comment-cursor';

const T0 = Date.UTC(2024, 0, 1) / 1000;

function at(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** Members with scores, sorted in page order. */
function list(entries: Array<[id: string, createdAt: number, top?: boolean]>): ScoredComment[] {
  return entries
    .map(([id, createdAt, top]) => ({ id, score: commentScore(at(createdAt), top ?? false) }))
    .sort(compareForPage);
}

/** Pages through a list as the mobile client does: `last_id` back as `offset` until an empty page. */
function pageThrough(read: (offset: number | undefined) => ScoredComment[]): ScoredComment[][] {
  const pages: ScoredComment[][] = [];
  let offset: number | undefined;
  for (;;) {
    const page = read(offset);
    pages.push(page);
    if (page.length === 0 || pages.length > 100) return pages;
    const lastId = formatScore(page[page.length - 1].score);
    offset = parseCursor(lastId);
  }
}

/** What the Redis reads give: ZREVRANGE(BYSCORE) of limit + 1, then ZREVRANGEBYSCORE s s on a tie. */
function redisPage(
  sorted: readonly ScoredComment[],
  offset: number | undefined,
  limit: number,
): ScoredComment[] {
  const below = offset === undefined ? sorted : sorted.filter((member) => member.score < offset);
  const fetched = below.slice(0, limit + 1);
  if (!needsTieGroup(fetched, limit)) return fetched.slice(0, limit);
  const boundary = fetched[limit - 1].score;
  return withTieGroup(
    fetched,
    limit,
    sorted.filter((member) => member.score === boundary),
  );
}

/** A small deterministic generator, so the property checks are reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('comment scores', () => {
  it('is the creation second for a comment and adds 2e19 for a sticky one', () => {
    expect(commentScore(at(T0), false)).toBe(T0);
    expect(commentScore(new Date(T0 * 1000 + 999), false)).toBe(T0);
    const sticky = commentScore(at(T0), true);
    expect(BigInt(formatScore(sticky)) - (STICKY_SCORE_BONUS + BigInt(T0))).toBeLessThanOrEqual(
      2048n,
    );
    expect(sticky).toBeGreaterThan(commentScore(at(T0 + 10 ** 9), false));
  });

  it('writes scores as exact integers that parse back to the same double, beyond 2^53 too', () => {
    for (const score of [
      commentScore(at(T0), false),
      commentScore(at(T0), true),
      commentScore(at(T0 + 12345), true),
    ]) {
      const written = formatScore(score);
      expect(written).toMatch(/^\d+$/);
      expect(parseCursor(written)).toBe(score);
      expect(Number(written)).toBe(score);
    }
    expect(BigInt(formatScore(commentScore(at(T0), true)))).toBeGreaterThan(
      BigInt(Number.MAX_SAFE_INTEGER),
    );
  });

  it('accepts only non-negative integers of at most 20 digits as a cursor', () => {
    expect(parseCursor('1704067200')).toBe(1704067200);
    for (const bad of ['', '-1', '1.5', '1e9', 'abc', '123456789012345678901', ' 12'])
      expect(parseCursor(bad)).toBeUndefined();
  });

  it('writes end_id and last_id as exact integers, empty without a list or a page', () => {
    const sticky = commentScore(at(T0), true);
    const members = [
      { id: '7', score: sticky },
      { id: '6', score: T0 },
    ];
    expect(pageCursors(T0 - 60, members)).toEqual({ endId: String(T0 - 60), lastId: String(T0) });
    expect(pageCursors(T0, members.slice(0, 1))).toEqual({
      endId: String(T0),
      lastId: formatScore(sticky),
    });
    expect(pageCursors(T0, [])).toEqual({ endId: String(T0), lastId: '' });
    expect(pageCursors(undefined, [])).toEqual({ endId: '', lastId: '' });
  });

  it('reads ioredis WITHSCORES replies, including exponent notation', () => {
    expect(parseWithScores(['11', '1704067200', '12', '2.0000000001704067e+19'])).toEqual([
      { id: '11', score: 1704067200 },
      { id: '12', score: 2.0000000001704067e19 },
    ]);
  });
});

describe('comment pages', () => {
  it('completes a Redis page that stops inside a group of equal scores with the whole group', () => {
    const fetched: ScoredComment[] = [
      { id: 'a', score: 30 },
      { id: 'c', score: 20 },
      { id: 'b', score: 20 },
    ];
    expect(needsTieGroup(fetched, 2)).toBe(true);
    expect(needsTieGroup(fetched.slice(0, 2), 2)).toBe(false);
    expect(needsTieGroup([fetched[0], fetched[1], { id: 'x', score: 10 }], 2)).toBe(false);
    const group = [
      { id: 'd', score: 20 },
      { id: 'c', score: 20 },
      { id: 'b', score: 20 },
    ];
    expect(withTieGroup(fetched, 2, group).map(({ id }) => id)).toEqual(['a', 'd', 'c', 'b']);
  });

  const comments = list(
    Array.from({ length: 35 }, (_, index): [string, number, boolean] => [
      String(1300000000000000000n + BigInt(index)),
      T0 + index * 60,
      index === 4 || index === 19,
    ]),
  );

  it('orders sticky comments first, then newest first, ties by id descending like ZREVRANGE', () => {
    const ids = comments.map(({ id }) => id);
    expect(ids.slice(0, 2)).toEqual(['1300000000000000019', '1300000000000000004']);
    expect(ids[2]).toBe('1300000000000000034');
    expect(ids.at(-1)).toBe('1300000000000000000');
    const tied = list([
      ['5', T0],
      ['7', T0],
      ['6', T0],
    ]);
    expect(tied.map(({ id }) => id)).toEqual(['7', '6', '5']);
  });

  it('visits 35 comments once each in pages of 10, then answers an empty page', () => {
    const pages = pageThrough((offset) => selectPage(comments, offset, 10));
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10, 5, 0]);
    expect(pages.flat()).toEqual(comments);
  });

  it('never ends a page inside a group of equal scores', () => {
    const tied = list([
      ...Array.from({ length: 8 }, (_, index): [string, number] => [`a${index}`, T0 + 100 + index]),
      ...Array.from({ length: 5 }, (_, index): [string, number] => [`g${index}`, T0 + 50]),
      ...Array.from({ length: 6 }, (_, index): [string, number] => [`b${index}`, T0 + index]),
    ]);
    const pages = pageThrough((offset) => selectPage(tied, offset, 10));
    expect(pages.map((page) => page.length)).toEqual([13, 6, 0]);
    expect(pages.flat()).toEqual(tied);
    expect(cutPage(tied, 8)).toHaveLength(8);
  });

  it('pages sticky comments that share a double as one group', () => {
    // 2e19 + t is only exact to 4096 s, so sticky comments close in time share a score.
    const sticky = list(
      Array.from({ length: 12 }, (_, index): [string, number, boolean] => [
        `s${index}`,
        T0 + index,
        true,
      ]),
    );
    expect(new Set(sticky.map(({ score }) => score)).size).toBeLessThan(12);
    const pages = pageThrough((offset) => selectPage(sticky, offset, 10));
    expect(pages.flat()).toEqual(sticky);
  });

  it('gives the same pages from the Redis reads as from the whole list, whatever the ties', () => {
    const next = random(7);
    for (let round = 0; round < 200; round += 1) {
      const size = Math.floor(next() * 60);
      const entries = Array.from({ length: size }, (_, index): [string, number, boolean] => [
        String(1300000000000000000n + BigInt(Math.floor(next() * 1e6) * 100 + index)),
        T0 + Math.floor(next() * 20),
        next() < 0.15,
      ]);
      const sorted = list(entries);
      const limit = 10 + Math.floor(next() * 5);
      const fromList = pageThrough((offset) => selectPage(sorted, offset, limit));
      const fromRedis = pageThrough((offset) => redisPage(sorted, offset, limit));
      expect(fromRedis).toEqual(fromList);
      expect(fromList.flat()).toEqual(sorted);
    }
  });
});
