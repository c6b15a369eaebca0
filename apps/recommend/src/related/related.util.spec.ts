import { compareIds } from '../feed/ranking.util';
import { type RelatedCandidate, RelatedIndex } from './related.util';
import { TitleTokenizer } from './title-tokenizer';

describe('related articles', () => {
  const candidates = [
    { id: '1', createdMs: 50, tokens: ['python', '教程'] },
    { id: '2', createdMs: 40, tokens: ['python', '并发', '教程'] },
    { id: '3', createdMs: 90, tokens: ['java'] },
    { id: '4', createdMs: 80, tokens: ['python'] },
  ];

  it('ranks by shared title words, then recency, leaving the article itself out', () => {
    expect(new RelatedIndex(candidates).related('1', ['python', '教程'], 10)).toEqual([
      '2',
      '4',
      '3',
    ]);
  });

  it('falls back to the newest articles and honours the count', () => {
    expect(new RelatedIndex(candidates).related('9', ['rust'], 2)).toEqual(['3', '4']);
  });

  it('answers every query of one index as a full sort of the candidates would', () => {
    // Sort every candidate by (shared words, time, id), the definition the index must keep.
    const bySorting = (
      articleId: string,
      tokens: string[],
      pool: RelatedCandidate[],
      count: number,
    ): string[] =>
      pool
        .filter((candidate) => candidate.id !== articleId)
        .map((candidate) => ({
          candidate,
          shared: candidate.tokens.filter((token) => tokens.includes(token)).length,
        }))
        .sort(
          (a, b) =>
            b.shared - a.shared ||
            b.candidate.createdMs - a.candidate.createdMs ||
            compareIds(b.candidate.id, a.candidate.id),
        )
        .slice(0, count)
        .map(({ candidate }) => candidate.id);
    let seed = 7;
    const next = (below: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const words = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'];
    const pickWords = (): string[] => [
      ...new Set(Array.from({ length: next(4) }, () => words[next(words.length)])),
    ];
    const pool: RelatedCandidate[] = Array.from({ length: 120 }, (_, i) => ({
      id: String(1_000 + ((i * 37) % 120)),
      createdMs: next(20) * 1_000,
      tokens: pickWords(),
    }));
    const index = new RelatedIndex(pool);
    for (let query = 0; query < 300; query++) {
      const articleId = query % 3 === 0 ? '9999' : pool[next(pool.length)].id;
      const tokens = pickWords();
      const count = 1 + next(15);
      expect(index.related(articleId, tokens, count)).toEqual(
        bySorting(articleId, tokens, pool, count),
      );
    }
  });

  it('answers nothing for a count of zero or less', () => {
    expect(new RelatedIndex(candidates).related('1', ['python'], 0)).toEqual([]);
  });

  it('cuts titles into distinct lower-cased words of two or more characters', () => {
    const tokens = new TitleTokenizer().tokens('Python 并发编程的教程 Python!');
    expect(tokens).toContain('python');
    expect(tokens).toContain('教程');
    expect(tokens.filter((token) => token === 'python')).toHaveLength(1);
    expect(tokens.every((token) => [...token].length >= 2)).toBe(true);
  });
});
